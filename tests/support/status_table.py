"""The checks every /status/<code> answer must pass: run against the playground and against httpbin."""

from collections.abc import Callable

from werkzeug.test import Client

BAD_INPUTS = ["abc", "99", "600", "-1", "1000", "2OO", "", "200:x", "200:-1"]


def _location(response) -> bool:
    return bool(response.headers.get("Location"))


def _on_this_server(response) -> bool:
    location = response.headers.get("Location", "")
    return location.startswith("/") and not location.startswith("//")


def checks_for(code: int) -> list[tuple[str, str, Callable]]:
    """(method, what is checked, predicate on the response) for one code."""
    checks = [("GET", f"answers {code}", lambda r: r.status_code == code)]
    if 100 <= code < 200:
        return [("GET", "refuses a 1xx with 400", lambda r: r.status_code == 400)]
    checks.append(("POST", f"answers {code} to POST too", lambda r: r.status_code == code))
    checks.append(("HEAD", "answers HEAD without a body", lambda r: r.status_code == code and r.data == b""))
    if 300 <= code < 400:
        checks.append(("GET", "carries a Location", _location))
        checks.append(("GET", "its Location is on this server", _on_this_server))
    expected = {
        401: "WWW-Authenticate",
        405: "Allow",
        407: "Proxy-Authenticate",
        429: "Retry-After",
        503: "Retry-After",
    }
    if code in expected:
        name = expected[code]
        checks.append(("GET", f"carries {name}", lambda r, name=name: name in r.headers))
    if code in (204, 205, 304):
        checks.append(("GET", "has no body", lambda r: r.data == b""))
    return checks


def run_table(client: Client) -> list[str]:
    """Every failed check, as a line: an empty list means every check passed."""
    failures = []
    for code in range(100, 600):
        for method, what, passes in checks_for(code):
            response = client.open(f"/status/{code}", method=method)
            if not passes(response):
                failures.append(f"/status/{code} {method}: {what} (got {response.status})")
    for text in BAD_INPUTS:
        response = client.get(f"/status/{text}")
        if response.status_code not in (400, 404) or (response.status_code == 400 and not response.data):
            failures.append(f"/status/{text}: a clear 400 (got {response.status})")
    return failures


def summary(name: str, failures: list[str]) -> str:
    """The failures as a Markdown list, one line per kind of check, with the codes that fail it."""
    by_check: dict[str, list[str]] = {}
    for line in failures:
        path, _, rest = line.partition(" ")
        path = path.rstrip(":")
        check = rest.split(" (got")[0]
        by_check.setdefault(check, []).append(path.removeprefix("/status/"))
    lines = [f"## {name}: {len(failures)} failed checks", ""]
    for check, codes in by_check.items():
        shown = ", ".join(codes[:12]) + (f" and {len(codes) - 12} more" if len(codes) > 12 else "")
        lines.append(f"- {check}: {shown}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import httpbin

    from playground import create_app

    print(summary("Flask Status Playground", run_table(Client(create_app({"SECRET_KEY": "t"})))))
    print(summary("httpbin 0.10.4", run_table(Client(httpbin.app))))
