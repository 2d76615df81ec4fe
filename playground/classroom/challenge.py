"""The class, live: the teacher sets a challenge from /log, every lab offers it, /log shows how it goes.

The teacher's browser alone sets the class's challenge (``POST /log/challenge``, with its CSRF
token); each lab asks ``GET /api/class/challenge`` every few seconds and opens the one set. When a
learner presses Check on it, their lab reports the outcome (``POST /api/class/challenge/report``):
the challenge's id, solved or not, and the common mistakes of the failed checks (common_mistake's
words, such as "answered 400 instead of 422"), never the code, never what the checks sent. /log asks
``GET /api/class/challenge/results`` for "Solved by N of M" and the most common mistakes.

What a lab reports is the learner's browser talking, so nothing is taken on trust: a mistake is kept
only if the checks can say it (its status a three-digit code, its fault one written in the checks,
an exception's name a built-in or Werkzeug one, else "another exception"), so what a class sees
on the projector is never free text. The store keeps one record per browser (its signed session)
and a bounded number per address and in all (stores.ChallengeLimits): the state lives in the store,
so each class has its own.
"""

import ast
import builtins
import functools
import re
from pathlib import Path
from typing import Any

import werkzeug.exceptions
from flask import abort, current_app, request

from ..lab import challenges as lab_challenges
from ..lab.challenges import BY_ID
from . import bp
from .predictions import _browser
from .teacher import require_teacher

CODES = r"[1-5]\d\d"
ANSWERED = re.compile(rf"answered ({CODES})(?: \((\w{{1,60}})\))? (.+)")
INSTEAD = re.compile(rf"instead of {CODES}(?: or {CODES}){{0,5}}")
UNREADABLE = re.compile(r"in a way the check could not read \((\w{1,60})\)")
DID_NOT_RUN = re.compile(r"the file did not run \((\w{1,60})\)")
OTHER_EXCEPTION = "another exception"


def board() -> Any:
    """The store's ClassChallenge (stores/): in this process, or in Redis for every worker."""
    return current_app.extensions["store"].challenge


@functools.cache
def known_faults() -> frozenset[str]:
    """Every fault the checks can name: the words given to Probe.require in lab/challenges.py, read
    from its source, so a fault added to a check is known here without a second list."""
    tree = ast.parse(Path(lab_challenges.__file__).read_text(encoding="utf-8"))
    faults = {"wrongly"}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "require"
            and len(node.args) == 3
            and isinstance(node.args[2], ast.Constant)
            and isinstance(node.args[2].value, str)
        ):
            faults.add(node.args[2].value)
    return frozenset(faults)


def _exception_name(name: str) -> str:
    """A built-in or Werkzeug exception's name as is; any other (the learner's own class) is
    "another exception": its name is the learner's free text."""
    for where in (builtins, werkzeug.exceptions):
        found = getattr(where, name, None)
        if isinstance(found, type) and issubclass(found, BaseException):
            return name
    return OTHER_EXCEPTION


def known_mistake(mistake: Any) -> str | None:
    """The mistake in the checks' own words, or None when the checks could not have said it."""
    if not isinstance(mistake, str) or len(mistake) > board().limits.mistake_chars:
        return None
    if found := DID_NOT_RUN.fullmatch(mistake):
        return f"the file did not run ({_exception_name(found[1])})"
    found = ANSWERED.fullmatch(mistake)
    if not found:
        return None
    status, exception, fault = found.groups()
    answered = f"answered {status}" + (f" ({_exception_name(exception)})" if exception else "")
    if INSTEAD.fullmatch(fault) or fault in known_faults():
        return f"{answered} {fault}"
    if unreadable := UNREADABLE.fullmatch(fault):
        return f"{answered} in a way the check could not read ({_exception_name(unreadable[1])})"
    return None


def described(state: dict[str, Any]) -> dict[str, Any]:
    """A state with the set challenge's title beside its id."""
    challenge = BY_ID.get(state.get("challenge") or "")
    return {**state, "title": challenge.title if challenge else None}


@bp.post("/log/challenge")
def set_challenge() -> dict[str, Any]:
    """Set the class's challenge, or stop it with an empty one (the teacher's browser only, with its
    CSRF token): every lab offers the one set."""
    require_teacher()
    data = request.get_json(silent=True) if request.is_json else request.form
    challenge_id = (data or {}).get("challenge")
    if not isinstance(challenge_id, str) or (challenge_id and challenge_id not in BY_ID):
        abort(400, description="Choose one of the lab's challenges by its id (or none, to stop it).")
    round_ = board().set(challenge_id or None)
    return described({"challenge": challenge_id or None, "round": round_})


@bp.get("/api/class/challenge")
def current_challenge() -> tuple[dict[str, Any], int, dict[str, str]]:
    """The challenge the teacher set (null before any), and its round: what each lab asks, often."""
    challenge_id, round_ = board().current()
    return described({"challenge": challenge_id, "round": round_}), 200, {"Cache-Control": "no-store"}


@bp.post("/api/class/challenge/report")
def report() -> tuple[str, int]:
    """Keep how this browser's Check went on the set challenge: solved or not, and its mistakes."""
    data = request.get_json(silent=True) or {}
    challenge_id, solved, mistakes = data.get("challenge"), data.get("solved"), data.get("mistakes", [])
    if (
        not isinstance(challenge_id, str)
        or not isinstance(solved, bool)
        or not isinstance(mistakes, list)
        or len(mistakes) > board().limits.mistakes
    ):
        abort(
            400,
            description='Send JSON: {"challenge": <its id>, "solved": true or false, "mistakes": '
            f"[at most {board().limits.mistakes} of the checks' mistakes]}}.",
        )
    kept = [found for found in map(known_mistake, mistakes) if found]
    refusal = board().report(challenge_id, _browser(), request.remote_addr or "", solved, kept)
    if refusal:
        abort(409 if "not set" in refusal else 429, description=refusal)
    return "", 204


@bp.get("/api/class/challenge/results")
def results() -> tuple[dict[str, Any], int, dict[str, str]]:
    """How the class does on the set challenge: solved by N of M (M: browsers that checked), and the
    most common mistakes, each counted once per browser whose latest Check made it."""
    return described(board().results()), 200, {"Cache-Control": "no-store"}
