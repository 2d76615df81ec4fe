"""The builder's own explanations: a /respond answer is explained by the code the builder shows for
it (builder/code.py), not by the playground's view that ran it. Registered with the explainer by
the builder's init_app; the explainer itself knows nothing of the builder.
"""

from typing import Any

from ..recording.exchange import Exchange
from ..recording.explain import cause, highlighted, status_facts
from .code import flask_code
from .form import ResponseSpec

GENERATED_FILE = "app.py (the builder's code)"


def generated_code_explanation(
    exchange: Exchange, source: tuple[str, int, str], line: int
) -> dict[str, Any] | None:
    """Explain a /respond answer by the code the builder shows for it, not the playground's own view.

    Each /respond view runs, statement for statement, the view the builder writes out
    (builder_code.view_lines): the deciding statement of the one is the same statement of the other.
    """
    statements = _statement_lines(*source[:2])
    if line not in statements:
        return None
    values = exchange.facts.get("notes", {}).get("builder")
    if values is None:
        return None
    code = flask_code(values["style"], ResponseSpec.from_record(values["spec"]), [values["method"]])
    lines = code.splitlines()
    number = lines.index("def view():") + 2 + statements.index(line)
    generated = lines[number - 1].strip()
    return {
        **status_facts(exchange.response["status"], exchange.response["headers"]),
        "view": exchange.view,
        "view_function": "view",
        "exception": exchange.facts["exception"],
        "source_line": generated,
        "source_file": GENERATED_FILE,
        "line_number": number,
        "in_view": True,
        "summary": cause(exchange, generated),
        "source_html": highlighted(code, 1, number),
        "source_start": 1,
    }


def _statement_lines(text: str, start: int) -> list[int]:
    """The line numbers of a view's statements: its body, without the docstring."""
    numbers = []
    for offset, row in enumerate(text.splitlines()[1:], start=start + 1):
        stripped = row.strip()
        if stripped and not stripped.startswith(('"""', "@", "def ")):
            numbers.append(offset)
    return numbers
