"""``flask --app playground class create|list|delete|clear``: the school's operator makes and ends classes.

The commands talk to the registry the deployment reads (Redis, FLASK_REDIS_URL), so a class made here
is served at once by every worker. Without Redis a class would live only in this command's process
and vanish with it, so the commands refuse, in one sentence.
"""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .registry import ClassInfo, RedisRegistry, Registry, is_code

group = AppGroup("class", help="Make, list, delete and clear the classes of a hosted deployment.")

NO_REDIS = (
    "Classes are kept in Redis, so that every worker serves them: set FLASK_REDIS_URL (and "
    "FLASK_SECRET_KEY) as the deployment does, see docs/HOSTING.md."
)


def registry() -> Registry:
    found: Registry = current_app.extensions["classes"]
    if not isinstance(found, RedisRegistry):
        raise click.ClickException(NO_REDIS)
    return found


def base_url(given: str | None) -> str:
    url = given or current_app.config.get("CLASSROOM_URL") or "http://localhost:8000/"
    return url if url.endswith("/") else f"{url}/"


def links(info: ClassInfo, base: str) -> tuple[str, str]:
    """The class's link (for students) and its teacher link (for the teacher's browser only)."""
    home = f"{base}c/{info.code}/"
    return home, f"{home}teacher/{info.teacher_key}"


def known(code: str) -> str:
    if not is_code(code) or registry().get(code) is None:
        raise click.ClickException(
            f"No class has the code {code!r}: `flask --app playground class list` shows them."
        )
    return code


URL_OPTION = click.option(
    "--url",
    help="The deployment's address, for the links (default: FLASK_CLASSROOM_URL, else http://localhost:8000/).",
)


@group.command("create")
@click.argument("name")
@URL_OPTION
def create(name: str, url: str | None) -> None:
    """Make a class called NAME and print its link and its teacher link."""
    try:
        info = registry().create(name)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    home, teacher = links(info, base_url(url))
    click.echo(f"Class {info.name!r}, code {info.code}")
    click.echo(f"  Students open:  {home}")
    click.echo(f"  Teacher link:   {teacher}   (for the teacher's browser only: it clears the class's log)")


@group.command("list")
@URL_OPTION
def list_classes(url: str | None) -> None:
    """List the classes: code, name, link, and how long since each was used."""
    classes = registry().every()
    if not classes:
        click.echo("No classes yet: `flask --app playground class create NAME` makes one.")
        return
    base = base_url(url)
    for info in classes:
        home, _teacher = links(info, base)
        click.echo(f"{info.code}  {info.name}  {home}  last used {_ago(info.last_used)}")


@group.command("delete")
@click.argument("code")
def delete(code: str) -> None:
    """Delete the class CODE with its log and tally: its links stop working."""
    registry().delete(known(code))
    click.echo(f"Deleted the class {code}: its links now answer 404 (within a minute on every worker).")


@group.command("clear")
@click.argument("code")
def clear(code: str) -> None:
    """Empty the log and the prediction tally of the class CODE (as its teacher's Clear does)."""
    info = registry().get(known(code))
    assert info is not None
    app = class_app(current_app._get_current_object(), info)  # type: ignore[attr-defined]
    try:
        store = app.extensions["store"]
        store.tally.clear()
        store.log.clear()
    finally:
        app.extensions["store"].close()
    click.echo(f"Cleared the log and the tally of the class {code} ({info.name}).")


def class_app(app: Flask, info: ClassInfo) -> Flask:
    """The class's app as the deployment makes it (the same store keys), to act on its store."""
    from . import class_config

    factory = app.extensions["class_factory"]
    return factory(class_config(app, app.extensions["classes"], info, f"/c/{info.code}"))


def _ago(when: float) -> str:
    import time

    minutes = int((time.time() - when) // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // 1440} days ago"
