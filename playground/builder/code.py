"""The Flask code a response builder style and its values make: a whole app, runnable as it is."""

import json

from .form import ResponseSpec

IMPORTS = {
    "make_response": ["Flask", "make_response"],
    "status_code": ["Flask", "make_response"],
    "response": ["Flask", "Response"],
    "jsonify": ["Flask", "jsonify"],
    "abort": ["Flask", "abort"],
    "redirect": ["Flask", "redirect"],
}


def py(value: str | int) -> str:
    """A Python literal in the code's one quoting style: double quotes, as the tutorial writes them.

    JSON's string escapes (\\", \\\\, \\n, \\uXXXX) are Python's too, so any value stays a valid literal.
    """
    return json.dumps(value, ensure_ascii=False)


def _headers(spec: ResponseSpec) -> str:
    names = [name.lower() for name, _ in spec.headers]
    if len(set(names)) < len(names):
        # A dict would keep one of each name: a list of pairs keeps them all, in order.
        return "[" + ", ".join(f"({py(name)}, {py(value)})" for name, value in spec.headers) + "]"
    return "{" + ", ".join(f"{py(name)}: {py(value)}" for name, value in spec.headers) + "}"


def view_lines(style: str, spec: ResponseSpec) -> list[str]:
    """The body of the view, one line a statement, as the matching /respond view runs it."""
    body, status, headers = py(spec.body), py(spec.status), _headers(spec)
    return {
        "tuple2": [f"return {body}, {status}"],
        "tuple3": [f"return {body}, {status}, {headers}"],
        "body_headers": [f"return {body}, {headers}"],
        "make_response": [f"response = make_response({body}, {status}, {headers})", "return response"],
        "status_code": [
            f"response = make_response({body})",
            f"response.headers.extend({headers})",
            f"response.status_code = {spec.status_code}",
            "return response",
        ],
        "response": [f"return Response({body}, status={status}, headers={headers})"],
        "jsonify": [f"return jsonify(message={body}), {status}"],
        "dict": [f'return {{"message": {body}}}, {status}, {headers}'],
        "abort": [f"abort({spec.status_code})"],
        "redirect": [f"return redirect({py(spec.location)}, {spec.status_code})"],
        "status_string": [f"return {body}, {py(spec.status_line)}"],
    }[style]


def flask_code(style: str, spec: ResponseSpec, methods: list[str]) -> str:
    """A complete app whose one view answers as /respond/<style> does with these values."""
    imports = ", ".join(IMPORTS.get(style, ["Flask"]))
    lines = [
        f"from flask import {imports}",
        "",
        "app = Flask(__name__)",
        "",
        "",
        f'@app.route("/", methods=[{", ".join(map(py, methods))}])',
        "def view():",
        *(f"    {line}" for line in view_lines(style, spec)),
    ]
    return "\n".join(lines) + "\n"
