"""What gunicorn.conf.py says when the school deployment is ready: where the class goes, and the
teacher's link (one key for every worker, kept in Redis unless FLASK_TEACHER_KEY sets it)."""

from collections.abc import Callable, Iterable

from flask import Config

from .run import classroom_addresses


def environment_settings() -> Config:
    """The FLASK_ settings of the environment, read as create_app reads them (from_prefixed_env)."""
    config = Config(root_path="")
    config.from_prefixed_env()
    return config


def student_urls(binds: Iterable[str], classroom_url: str | None = None) -> list[str]:
    """Where students go: FLASK_CLASSROOM_URL when a proxy (make host's nginx) is in front, else
    gunicorn's own addresses."""
    if classroom_url:
        return [classroom_url if classroom_url.endswith("/") else f"{classroom_url}/"]
    urls = []
    for bind in binds:
        if bind.startswith("unix:"):
            continue
        host, _, port = bind.rpartition(":")
        hosts = (classroom_addresses() or ["localhost"]) if host in ("0.0.0.0", "", "[::]") else [host]
        urls += [f"http://{address}:{port}/" for address in hosts]
    return urls or ["http://localhost:8000/"]


def teacher_key(settings: Config) -> str | None:
    """FLASK_TEACHER_KEY, or the key every worker reads from Redis; None without either."""
    key, url = settings.get("TEACHER_KEY"), settings.get("REDIS_URL")
    if key or not url:
        return key
    from ..stores.redis_store import deployment_teacher_key

    return deployment_teacher_key(
        url, bool(settings.get("REDIS_CLUSTER")), settings.get("REDIS_PREFIX", "playground:")
    )


def announce(binds: Iterable[str], say: Callable[[str], None], workers: int) -> None:
    settings = environment_settings()
    urls = student_urls(binds, settings.get("CLASSROOM_URL"))
    redis_url = settings.get("REDIS_URL")
    say(f"Flask Status Playground: students open {', '.join(urls)} (the live log: {urls[0]}log)")
    if settings.get("CLASS_KEY"):
        # The page's address only: the key itself is the school's, never printed.
        say(f"Teachers who have the class-making key (FLASK_CLASS_KEY) make classes at {urls[0]}classes/new")
    if not redis_url:
        if workers > 1:
            say(
                f"Without FLASK_REDIS_URL each of the {workers} workers keeps a log of its own: the pages "
                "will miss exchanges. Set FLASK_REDIS_URL (see docs/HOSTING.md)."
            )
        return
    from ..stores.redis_store import where

    key = teacher_key(settings)
    say(f"The shared log is on Redis at {where(redis_url)}.")
    if key is None:
        say(
            "Redis does not answer yet, so there is no teacher link to print: restart gunicorn once it "
            "does, or set FLASK_TEACHER_KEY."
        )
    else:
        say(f"Teacher link, for the teacher's browser only (it clears the log): {urls[0]}teacher/{key}")
