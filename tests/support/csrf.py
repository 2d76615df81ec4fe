"""The CSRF token a page carries, for tests that post to the playground's own routes."""

from flask.testing import FlaskClient


def csrf_token(client: FlaskClient, page: str = "/log") -> str:
    html = client.get(page).get_data(as_text=True)
    return html.split('name="csrf-token" content="')[1].split('"')[0]
