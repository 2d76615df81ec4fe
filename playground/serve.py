"""``python -m playground.serve`` (``make serve``): serve a classroom with waitress, on all interfaces;
the same as ``flask-status-playground --classroom`` (serving/)."""

import sys

from .serving.cli import main as cli_main


def main() -> None:
    cli_main(["--classroom", *sys.argv[1:]], prog="python -m playground.serve")


if __name__ == "__main__":
    main()
