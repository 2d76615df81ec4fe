"""The tutorial's two listings, verbatim, as whole app files: the code lab starts from them, and the
differential tests compare the playground's endpoints with them."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = {"tuple": HERE / "tuple_listing.py", "make_response": HERE / "make_response_listing.py"}


def listing_code(style: str) -> str:
    """A listing as the lab shows it: the tutorial's code alone, without our heading comment."""
    lines = FILES[style].read_text().splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("# The tutorial's"))
