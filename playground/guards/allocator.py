"""What keeps a server's memory from staying at a storm's peak: how glibc hands memory back.

The playground's answers are built on many threads (waitress's pool, gunicorn's gthreads, Werkzeug's
thread per connection). glibc's malloc gives each busy thread an arena of its own, up to eight per
core, and keeps what is freed there for that thread: after 24 exports at once the process stayed at
twice its resident memory (tests/test_export_storm.py). So the process keeps at most MALLOC_ARENAS
arenas, and when the last export of the log ends, freed memory is handed back (malloc_trim).
Elsewhere than glibc both are no-ops.
"""

import ctypes
import ctypes.util
import threading
from typing import Any

MALLOC_ARENAS = 2
"""Arenas glibc's malloc may use in this process (M_ARENA_MAX): enough for two cores' threads."""
_M_ARENA_MAX = -8  # from glibc's malloc.h

_lock = threading.Lock()
_limited = False


def _libc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except (OSError, AttributeError):
        return None


_glibc = _libc()


def limit_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """Keep this process's malloc arenas to `arenas` (once per process; arenas made before stay)."""
    global _limited
    with _lock:
        if _glibc is not None and not _limited:
            _glibc.mallopt(_M_ARENA_MAX, arenas)
            _limited = True


def give_back_memory() -> None:
    """Hand memory that is free but kept in malloc's arenas back to the system."""
    if _glibc is not None:
        _glibc.malloc_trim(0)
