"""The response builder: /respond/<style>, one real view per way a Flask view sets its status,
headers and body; its form (form.py), the code it writes out for each (code.py), the sandbox on
every answer built from a learner's values (sandbox.py), and its own explanations (explain.py).
The builder's page itself is one of the pages (pages.py)."""

from flask import Flask

from ..recording.explain import register_explainer
from .explain import generated_code_explanation
from .views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_explainer(bp.name, generated_code_explanation)
