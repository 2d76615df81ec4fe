"""The docs stay true to the repository: every link leads somewhere, every `make` target exists, every
`FLASK_` setting is read by the code, and every setting the code reads is documented.

The README is the front door and sends readers on to docs/*.md; a renamed file, a moved heading, a
dropped Makefile target or a setting the code no longer reads would leave a page that promises what
is not there. Each failure names the page and what it points at.
"""

import ast
import re
from functools import cache
from pathlib import Path

import flask
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CONFIGURATION = ROOT / "docs" / "CONFIGURATION.md"

# Where the playground's settings are read: the package, gunicorn's settings, the scripts that run it.
SETTING_SOURCES = [*sorted((ROOT / "playground").rglob("*.py")), ROOT / "gunicorn.conf.py"]
SETTING_USERS = [*SETTING_SOURCES, *sorted((ROOT / "scripts").glob("*.py"))]

FENCE = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
CONFIG_KEY = re.compile(
    r"[A-Z][A-Z0-9_]*"
)  # Flask's config keys are upper case; a connection's "host" is not one
MAKE = re.compile(r"(?<![\w-])make[ \t]+([a-z][a-z0-9-]*)")
MAKEFILE_RULE = re.compile(r"^([A-Za-z0-9][\w.-]*)[ \t]*:(?!=)", re.MULTILINE)
FLASK_NAME = re.compile(r"\bFLASK_[A-Z0-9_]*[A-Z0-9]\b")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose(text: str) -> str:
    """The page without its code: what Markdown renders as links and headings."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def code(text: str) -> str:
    """Only the page's code, fenced and inline: where commands are written."""
    return "\n".join(
        [m.group(0) for m in FENCE.finditer(text)]
        + [m.group(2) for m in INLINE_CODE.finditer(FENCE.sub("", text))]
    )


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text lower-cased, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text, not its target
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors_in(text: str) -> frozenset[str]:
    """Every anchor GitHub makes for a page's headings (a repeated heading gets -1, -2, ...)."""
    seen: dict[str, int] = {}
    found = set()
    for _, heading in HEADING.findall(FENCE.sub("", text)):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


@cache
def anchors(page: Path) -> frozenset[str]:
    return anchors_in(page.read_text())


def broken_links(page: Path, text: str) -> list[str]:
    """The relative links of a page that lead to no file, or to no heading of the file they name."""
    broken = []
    for target in LINK.findall(prose(text)):
        if SCHEME.match(target):
            continue  # another site: not this repository's to check
        path, _, anchor = target.partition("#")
        resolved = (ROOT / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
        # A link to a heading of the same page has no path; one to another Markdown page names it.
        if path and not resolved.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and (not path or resolved.suffix == ".md"):
            headings = anchors(resolved.resolve()) if path else anchors_in(text)
            if anchor not in headings:
                broken.append(f"{target} (no such heading)")
    return broken


def makefile_targets() -> set[str]:
    return set(MAKEFILE_RULE.findall((ROOT / "Makefile").read_text()))


def strings_in_code(path: Path) -> set[str]:
    """The string constants of a Python file, its docstrings left out (they describe, they don't read)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }


def _names(node: ast.AST) -> str:
    """`current_app.config` -> "current_app.config": enough to tell a config from anything else."""
    return ast.unparse(node)


def config_keys_read(path: Path) -> set[str]:
    """The configuration keys a file reads: config.get("KEY"), config["KEY"], settings.get("KEY"),
    servers.py's _limit(app, "KEY", ...), and the FLASK_ variables it reads from os.environ."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("get", "setdefault"):
                owner = _names(func.value)
                key = node.args[0].value
                if owner.endswith(("config", "settings")) and isinstance(key, str):
                    keys.add(key)
                elif owner == "os.environ" and isinstance(key, str) and key.startswith("FLASK_"):
                    keys.add(key.removeprefix("FLASK_"))
        if (
            isinstance(node, ast.Call)
            and _names(node.func) == "_limit"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
        ):
            keys.add(node.args[1].value)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
            and _names(node.value).endswith("config")
        ):
            keys.add(node.slice.value)
    return keys


@cache
def settings_read() -> frozenset[str]:
    keys: set[str] = set()
    for path in SETTING_SOURCES:
        keys |= config_keys_read(path)
    return frozenset(key for key in keys if CONFIG_KEY.fullmatch(key))


@cache
def flasks_own_variables() -> frozenset[str]:
    """The FLASK_ variables Flask itself reads (FLASK_DEBUG, FLASK_APP, ...), from its own source."""
    found: set[str] = set()
    for path in Path(flask.__file__).parent.glob("*.py"):
        found |= {s for s in strings_in_code(path) if FLASK_NAME.fullmatch(s)}
    return frozenset(found)


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def test_the_docs_are_found() -> None:
    # If the glob found nothing, every test below would pass for the wrong reason.
    names = {page_id(page) for page in PAGES}
    assert {"README.md", "docs/CONFIGURATION.md", "docs/HOSTING.md", "docs/SECURITY.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_relative_link_leads_to_a_file_and_heading(page: Path) -> None:
    broken = broken_links(page, page.read_text())
    assert broken == [], f"{page_id(page)} links to what is not there: {', '.join(broken)}."


def test_every_docs_page_can_be_reached_from_the_readme() -> None:
    reached, queue = set(), [(ROOT / "README.md").resolve()]
    while queue:
        page = queue.pop()
        if page in reached or page.suffix != ".md" or not page.exists():
            continue
        reached.add(page)
        for target in LINK.findall(prose(page.read_text())):
            if not SCHEME.match(target) and target.partition("#")[0]:
                queue.append((page.parent / target.partition("#")[0]).resolve())
    unreached = [page_id(page) for page in PAGES if page.resolve() not in reached]
    assert unreached == [], f"No link from the README leads to {', '.join(unreached)}."


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_make_target_named_exists(page: Path) -> None:
    named = set(MAKE.findall(code(page.read_text())))
    missing = sorted(named - makefile_targets())
    assert missing == [], f"{page_id(page)} names make targets the Makefile lacks: {', '.join(missing)}."


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_flask_setting_named_is_read(page: Path) -> None:
    named = set(FLASK_NAME.findall(page.read_text()))
    read = {f"FLASK_{key}" for key in settings_read()}
    for path in SETTING_USERS:
        read |= {s for s in strings_in_code(path) if FLASK_NAME.fullmatch(s)}
    unread = sorted(named - read - flasks_own_variables())
    assert unread == [], f"{page_id(page)} names settings nothing reads: {', '.join(unread)}."


def test_every_setting_the_code_reads_is_in_the_configuration_page() -> None:
    # Flask's and Flask-WTF's own keys (PROPAGATE_EXCEPTIONS, WTF_CSRF_ENABLED, ...) are theirs to document.
    own = {
        key for key in settings_read() if key not in flask.Flask.default_config and not key.startswith("WTF_")
    }
    documented = set(FLASK_NAME.findall(CONFIGURATION.read_text()))
    missing = sorted(f"FLASK_{key}" for key in own if f"FLASK_{key}" not in documented)
    assert missing == [], (
        f"docs/CONFIGURATION.md does not list settings the code reads: {', '.join(missing)}."
    )


def test_the_checks_catch_a_missing_file_heading_and_target() -> None:
    # The checks above pass on true docs; this shows they would not pass on untrue ones.
    page = ROOT / "docs" / "PROBE.md"  # never written: its text is given
    text = (
        "# Here\n\n[ok](#here) [gone](NOWHERE.md) [bad](CONFIGURATION.md#no-such-heading) "
        "[fine](CONFIGURATION.md#the-app) [far](https://example.org/x.md#y) `make nosuchtarget`\n"
        "```sh\nmake run\n```\n"
    )
    assert broken_links(page, text) == [
        "NOWHERE.md (no such file)",
        "CONFIGURATION.md#no-such-heading (no such heading)",
    ]
    assert sorted(MAKE.findall(code(text))) == ["nosuchtarget", "run"]
    assert slug("nginx (`deploy/nginx.conf`)") == "nginx-deploynginxconf"
    assert anchors_in("# A\n## A\n") == {"a", "a-1"}
