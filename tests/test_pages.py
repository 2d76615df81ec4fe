"""The home page: both forms, their fields and options, and the views for the exchange."""

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient


class Elements(HTMLParser):
    """Every start tag of a page, with its attributes: enough to check what a page declares."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture
def home(client: FlaskClient) -> Elements:
    response = client.get("/")
    assert response.status_code == 200
    return Elements(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("form_id", "action", "keys"),
    [
        ("signup", "/userSignUp", ["username", "password"]),
        ("details", "/userDetails", ["username", "firstname", "lastname"]),
    ],
)
def test_each_form_posts_its_tutorial_fields_straight_to_the_endpoint(
    home: Elements, form_id: str, action: str, keys: list[str]
) -> None:
    (form,) = home.find("form", id=form_id)
    assert form["method"] == "post" and form["action"] == action
    # Without JavaScript the browser sends every named control the form owns: only the tutorial keys.
    named = [a["name"] for t, a in home.tags if t in ("input", "select", "textarea") and a.get("name")]
    owned = [
        a for t, a in home.tags if t in ("input", "select") and a.get("id", "").startswith(f"{form_id}-")
    ]
    submitted = [a["name"] for a in owned if a.get("name") and a.get("form") is None]
    assert submitted == keys
    assert "csrf_token" not in named
    assert not home.find("input", type="hidden")


@pytest.mark.parametrize("form_id", ["signup", "details"])
def test_each_form_has_the_request_options(home: Elements, form_id: str, client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for label in ("Method", "Encoding", "Return style"):
        assert re.search(rf'<label for="{form_id}-\w+">{label}</label>', html)
    methods = re.search(rf'<select[^>]*id="{form_id}-method"[^>]*>(.*?)</select>', html).group(1)
    assert re.findall(r'value="(\w+)"', methods) == [
        "POST",
        "GET",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
    ]
    assert 'selected value="POST"' in methods
    styles = re.search(rf'<select[^>]*id="{form_id}-return_style"[^>]*>(.*?)</select>', html).group(1)
    assert "tuple" in styles and "make_response" in styles


def test_each_tutorial_field_has_a_send_toggle_checked_by_default(home: Elements) -> None:
    toggles = home.find("span", role="checkbox")
    assert [t["data-key"] for t in toggles] == ["username", "password", "username", "firstname", "lastname"]
    assert all(t["aria-checked"] == "true" for t in toggles)


def test_the_page_has_the_request_and_response_regions(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<h2 id="response-heading">Response</h2>' in html
    assert '<h2 id="request-heading">Request</h2>' in html


def test_the_page_loads_nothing_from_elsewhere(home: Elements) -> None:
    sources = [a.get("src") or a.get("href") for t, a in home.tags if t in ("script", "link", "img")]
    assert sources and all(s.startswith(("/", "data:")) for s in sources)
    assert not [a for t, a in home.tags if t == "script" and not a.get("src")], "no inline script"


def test_each_return_style_label_quotes_a_line_of_the_view_that_answers(app) -> None:
    import inspect

    from playground.endpoints import LISTINGS
    from playground.forms import SignUpForm, UserDetailsForm

    with app.test_request_context():
        for form in (SignUpForm(), UserDetailsForm()):
            for style, label, *_ in form.return_style.choices:
                view = app.view_functions[f"{LISTINGS[style].name}.{form.endpoint}"]
                line = label.split(": ", 1)[1]
                assert line in inspect.getsource(view), (form.endpoint, style, line)
