"""The tutorial's endpoints, one blueprint per listing.

These views are the lesson: they read like the tutorial, line for line. Everything the playground
adds (the body limit, the recorder, the explanations) lives around the app, never in here.
"""

from flask import Blueprint

from . import make_response, tuple_returns

LISTINGS: dict[str, Blueprint] = {
    "tuple": tuple_returns.bp,
    "make_response": make_response.bp,
}
"""Each return style a learner can pick, and the blueprint that serves it."""
