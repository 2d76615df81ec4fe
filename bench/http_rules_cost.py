"""What checking one answer against HTTP's rules costs, in-process: review_exchange() on the records
of the tutorial's four answers and four learner-built ones (a 401 without a challenge, a 302 without
Location, a 10,000-byte body cut to 4 KB, a 405), as /api/exchanges serves them. Best of 5 runs of
20,000 reviews each, round robin over the eight records."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground import create_app
from playground.recording.rules import review_exchange

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def records() -> list[dict]:
    app = create_app({"SECRET_KEY": "bench"})
    app.logger.disabled = True  # GET /userDetails is a 500 on purpose: no traceback in the output
    client = app.test_client()
    client.post("/userSignUp", data="username=sam&password=hunter22", headers=FORM)
    client.post("/userDetails", data="username=sam&firstname=john&lastname=king", headers=FORM)
    client.post("/userDetails", data="username=sam", headers=FORM)
    client.get("/userDetails")
    client.get("/respond/abort", query_string={"status": "401"})
    client.get("/respond/response", query_string={"status": "302"})
    client.get("/respond/tuple2", query_string={"status": "200", "body": "a" * 10_000})
    client.get("/userSignUp")
    made = client.get("/api/exchanges").json
    app.extensions["store"].close()
    return made


def microseconds_per_review(made: list[dict], count: int = 20_000) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for i in range(count):
            review_exchange(made[i % len(made)])
        best = min(best, (time.perf_counter() - started) / count * 1e6)
    return best


if __name__ == "__main__":
    made = records()
    print(f"{len(made)} records; broken rules: {[len(review_exchange(r).broken) for r in made]}")
    print(f"review_exchange: {microseconds_per_review(made):.1f} µs per answer (best of 5)")
