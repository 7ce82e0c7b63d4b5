"""The seed's own thread lines, run as the seed writes them:

    t = threading.Thread(target=worker)
    t = threading.Thread(target=workerArgs, args=('ok', 'cool'))

The catalogue marks those entries ``thread = true``; the child driver then starts the
function in a new thread and joins it, on Python 2.7 and on Python 3 alike."""

from __future__ import annotations

import pytest

from threadport.catalog import CatalogError, get_pair, parse_catalog
from threadport.runner import run_entry
from threadport.runs import side_job

PAIR = get_pair("threading_notes")


def test_the_seeds_thread_lines_are_thread_entries():
    assert [(e.legacy, e.args, e.thread) for e in PAIR.entries if e.thread] == [
        ("worker", (), True),
        ("workerArgs", ("ok", "cool"), True),
    ]
    entry = PAIR.entry("workerArgs")
    assert entry.target(entry.legacy) == "Thread(target=workerArgs)"
    assert entry.target(entry.modern) == "Thread(target=worker_args)"


def test_a_thread_entry_runs_in_a_new_thread_with_its_args(any_python, snippet):
    source = snippet(
        """
        import threading

        def where(a0, a1):
            print('%s %s in %s' % (a0, a1, threading.current_thread().name))
            print('active threads: %d' % threading.active_count())
        """
    )
    direct = run_entry(any_python, source, "where", ("ok", "cool"))
    threaded = run_entry(any_python, source, "Thread(target=where)", ("ok", "cool"))
    assert direct.stdout == ["ok cool in MainThread", "active threads: 1"]
    assert threaded.stdout[1] == "active threads: 2"
    assert threaded.stdout[0].startswith("ok cool in Thread-") and threaded.exit == 0


@pytest.mark.legacy
@pytest.mark.parametrize(("name", "expected"), [("worker", ["working"]), ("workerArgs", ["working ok cool"])])
def test_the_seeds_targets_print_from_their_thread(legacy_python, name, expected):
    import sys

    from threadport.interpreters import probe, resolve

    entry = PAIR.entry(name)
    for python, legacy in ((probe(legacy_python), True), (resolve(sys.executable), False)):
        job = side_job(PAIR, entry, python, legacy=legacy)
        assert job.entry.startswith("Thread(target=")
        transcript = run_entry(python, job.source, job.entry, job.args)
        assert (transcript.stdout, transcript.stderr, transcript.exit) == (expected, [], 0)


def test_thread_must_be_a_boolean():
    text = '[[pair]]\nstem = "p"\ntitle = "t"\n  [[pair.entry]]\n  legacy = "f"\n  thread = "yes"\n'
    with pytest.raises(CatalogError, match="entry 'f': thread must be true or false, not 'yes'"):
        parse_catalog(text)
