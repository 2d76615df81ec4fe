"""The playground's JSON API: the exchange log for pages, scripts and tools.

routes.py holds the blueprint (/api/exchanges, its HAR export, one exchange, a view's source);
serialize.py turns an exchange into what a reader receives, bounded in bytes; audience.py says who
sees what (a student never sees another's address or browser); har.py writes HAR 1.2.
"""

from .routes import bp, init_app
from .serialize import unavailable

__all__ = ["bp", "init_app", "unavailable"]
