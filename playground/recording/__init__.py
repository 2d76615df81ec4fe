"""Recording: every request to a real endpoint becomes an exchange the page can show and explain.

capture.py keeps what the recorder keeps of a request and answer (bounded in bytes); exchange.py is
the exchange itself, masked when read (masking.py); trace.py follows the view to learn which line
decided; middleware.py is the WSGI middleware and Flask hooks that tie them together; explain.py
turns an exchange's facts into the explanation. The code lab loads these same modules into the
learner's browser, so they import nothing of the rest of the playground but the memory store.
"""

from .middleware import LOG_BYTES, LOG_SIZE, Recorder, init_app, note

__all__ = ["LOG_BYTES", "LOG_SIZE", "Recorder", "init_app", "note"]
