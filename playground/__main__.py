"""``python -m playground``: what ``make run`` starts; the same as ``flask-status-playground``."""

from .serving.cli import main

if __name__ == "__main__":
    main(prog="python -m playground")
