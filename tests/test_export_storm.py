"""24 exports of the log at once, read slowly, against make run's and make serve's real servers on
loopback: memory before, during and after, one export per address, and each new reader's bytes.

The figures themselves (how much, how fast) are bench/storm.py's, in docs/BENCHMARKS.md; here only
the bounds: memory during the storm stays near its baseline (issue 19 saw 277 MB grow to 2.1 GB) and
is back at it once the readers are gone, and no reader receives more than its documented bytes.
"""

import json
from collections.abc import Iterator

import pytest

from playground.api.routes import EXPORT_BYTES
from playground.api.serialize import READER_BYTES
from tests.support.export_storm import MiB, export_storm, fill_with_escapes, reader_bytes, serving

DURING = 96 * MiB
"""Memory the storm may add while 24 exports are held open (each export built whole took GBs)."""
AFTER = 16 * MiB
"""How near its baseline the memory must come back, within a minute of the readers leaving."""


@pytest.fixture(scope="module", params=["werkzeug", "waitress"])
def port(request: pytest.FixtureRequest) -> Iterator[int]:
    """make run's server, then make serve's, each with a log full of what JSON escapes."""
    with serving(request.param) as port:
        fill_with_escapes(port, 200)
        yield port


def test_what_a_new_reader_receives_is_bounded(port: int) -> None:
    received = reader_bytes(port)
    assert received.api_page <= READER_BYTES and received.api_first_page <= READER_BYTES
    assert received.stream_backlog <= READER_BYTES + 100  # and the retry and keep-alive lines
    assert received.export <= EXPORT_BYTES and received.export_entries < 200  # cut, saying so


def test_an_export_storm_leaves_memory_where_it_was(port: int) -> None:
    storm = export_storm(port, readers=24, hold=1.5, settle=60)
    assert storm.statuses == [200] * 24  # 24 addresses: each one's export runs
    assert set(storm.endpoint_statuses) == {201}  # the endpoints answer meanwhile
    assert storm.peak_rss - storm.baseline_rss <= DURING, f"{storm.peak_rss / MiB:.0f} MiB at the peak"
    assert storm.after_rss - storm.baseline_rss <= AFTER, f"{storm.after_rss / MiB:.0f} MiB after"
    # 24 at once from one address: one runs, the others are told when to come back, in a sentence.
    assert sorted(storm.one_address) == [200] + [429] * 23
    assert storm.retry_after.isdigit()
    assert json.loads(storm.refusal)["error"].endswith("has finished.")
