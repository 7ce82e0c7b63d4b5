"""threadport.runs: the one run service used by compare, claims and timeline."""

from __future__ import annotations

import sys

from threadport.catalog import get_pair
from threadport.interpreters import resolve
from threadport.runner import DEFAULT_TIMEOUT
from threadport.runs import Job, run_jobs, side_job


def test_transcripts_come_back_in_job_order_and_identical_jobs_run_once(snippet, tmp_path):
    log = tmp_path / "runs.log"
    path = snippet("""
        from __future__ import print_function
        def main(log, word):
            with open(log, "a") as handle:
                handle.write(word + "\\n")
            print(word)
    """)
    python = resolve(sys.executable)
    words = ["a", "b", "a", "c", "b"]
    transcripts = run_jobs([Job(python, path, "main", (str(log), word)) for word in words], workers=3)
    assert [t.stdout for t in transcripts] == [[w] for w in words]
    assert sorted(log.read_text().split()) == ["a", "b", "c"]


def test_side_jobs_take_the_entry_timeout_unless_overridden():
    pair = get_pair("threading_notes")
    entry = pair.entry("testIsAliveOnSleeper")
    python = resolve(sys.executable)
    legacy = side_job(pair, entry, python, legacy=True)
    modern = side_job(pair, entry, python, legacy=False, timeout=5)
    assert (legacy.source, legacy.entry) == (pair.legacy_path, "testIsAliveOnSleeper")
    assert (modern.source, modern.entry, modern.limit) == (pair.modern_path, "poll_sleeper", 5)
    assert legacy.limit == (entry.timeout or DEFAULT_TIMEOUT)
