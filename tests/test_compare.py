"""Verdicts as data: equal is equivalent, an exact declared difference is declared,
anything else is a mismatch; nothing is folded."""

from __future__ import annotations

import pytest

from threadport.catalog import CatalogError, Declared, Entry, Race, parse_catalog
from threadport.compare import compare
from threadport.runner import Transcript


def transcript(stdout=(), stderr=(), exit=0, exception=None, python="3.11.7"):
    return Transcript(python, list(stdout), list(stderr), exit, exception)


def test_equal_transcripts_are_equivalent_whatever_the_timing_and_version():
    a = transcript(["x"], python="2.7.18")
    b = transcript(["x"])
    b.seconds = 9.0
    assert compare("p", Entry("f", "f"), a, b).verdict == "equivalent"


def test_any_field_difference_is_a_mismatch_with_no_folding():
    entry = Entry("f", "f")
    assert compare("p", entry, transcript(["x"]), transcript(["x "])).verdict == "mismatch"
    assert compare("p", entry, transcript(["X"]), transcript(["x"])).verdict == "mismatch"
    result = compare("p", entry, transcript(exit=0), transcript(exit=1))
    assert result.verdict == "mismatch"
    assert [(d.field, d.legacy, d.modern, d.declared) for d in result.differences] == [("exit", 0, 1, False)]


@pytest.mark.parametrize(
    ("field", "legacy", "modern"),
    [
        ("stdout", ["x"], ["y"]),
        ("stderr", ["Exception in thread Thread-1:"], []),
        ("exit", 0, 1),
        ("exception", None, {"type": "TypeError", "message": "acquire() takes no keyword arguments"}),
        ("timed_out", False, True),
    ],
)
def test_each_field_alone_makes_a_mismatch(field, legacy, modern):
    left, right = transcript(), transcript()
    setattr(left, field, legacy)
    setattr(right, field, modern)
    result = compare("p", Entry("f", "f"), left, right)
    assert result.verdict == "mismatch"
    assert [(d.field, d.legacy, d.modern) for d in result.differences] == [(field, legacy, modern)]


@pytest.mark.parametrize(("field", "value"), [("timed_out", True), ("leftover", ["pid 42: killed"])])
def test_two_halves_that_fail_alike_are_a_mismatch_not_equivalent(field, value):
    left, right = transcript(), transcript()
    setattr(left, field, value)
    setattr(right, field, value)
    result = compare("p", Entry("f", "f"), left, right)
    assert result.verdict == "mismatch"
    assert [(d.field, d.declared) for d in result.differences] == [(field, False)]


def test_a_race_accepts_only_its_declared_outcomes_and_only_in_real_time():
    entry = Entry("f", "f", races=(Race("stdout", 1, ("True", "False"), "a tie in the code"),))
    legacy, modern = transcript(["x", "True"]), transcript(["x", "False"])
    assert compare("p", entry, legacy, modern, real_time=True).verdict == "declared"
    assert compare("p", entry, legacy, modern).verdict == "mismatch"  # the virtual clock has no race
    undeclared = compare("p", entry, legacy, transcript(["x", "None"]), real_time=True)
    assert undeclared.verdict == "mismatch"


def test_a_declared_difference_passes_only_with_its_exact_values():
    entry = Entry("f", "f", declared=(Declared("stdout", ["b", "a"], ["a", "b"], "the pool orders"),))
    exact = compare("p", entry, transcript(["b", "a"]), transcript(["a", "b"]))
    assert exact.verdict == "declared" and exact.differences[0].why == "the pool orders"
    other = compare("p", entry, transcript(["b", "a"]), transcript(["a", "c"]))
    assert other.verdict == "mismatch"
    # Both sides are held to their declared value, the legacy one too.
    legacy_changed = compare("p", entry, transcript(["b", "x"]), transcript(["a", "b"]))
    assert legacy_changed.verdict == "mismatch"
    # Declared but not happening is a mismatch too: the declaration is wrong.
    assert compare("p", entry, transcript(["a"]), transcript(["a"])).verdict == "mismatch"


def test_nothing_is_folded_not_even_tracebacks_or_thread_names():
    # No pair needs a normalization, so none exists: the differences a
    # normalization used to fold are mismatches unless declared.
    entry = Entry("f", "f")
    py2 = transcript(stderr=["Traceback (most recent call last):", '  File "x.py", line 1', "ValueError: no"])
    py3 = transcript(stderr=["Traceback (most recent call last):", '  File "/a/x.py", line 1', "ValueError: no"])
    assert compare("p", entry, py2, py3).verdict == "mismatch"
    named = compare("p", entry, transcript(["Thread-1 done"]), transcript(["Thread-1 (worker) done"]))
    assert named.verdict == "mismatch"


def test_the_catalogue_rejects_an_entry_that_asks_for_a_normalization():
    text = '[[pair]]\nstem = "p"\ntitle = "t"\n  [[pair.entry]]\n  legacy = "f"\n  normalize = ["traceback-tail"]\n'
    with pytest.raises(CatalogError, match=r"entry 'f': unknown key\(s\) normalize \(known: args, declared"):
        parse_catalog(text)


# Issue 9 item 12: the seed's real tie (tenth poll vs the sleeper's end, both at t=10).
SEED_POLL = ["working"] + ["True"] * 9 + ["False"] * 7


def seed_poll(line10: str, python: str, clock: str = "real") -> Transcript:
    stdout = list(SEED_POLL)
    stdout[10] = line10
    return Transcript(python, stdout, [], 0, clock=clock)


def test_real_time_accepts_exactly_the_declared_outcomes_of_the_seed_tie():
    from threadport.catalog import get_pair

    pair = get_pair("threading_notes")
    entry = pair.entry("testIsAliveOnSleeper")
    [race] = entry.races
    assert (race.field, race.line, set(race.outcomes)) == ("stdout", 10, {"True", "False"})
    for legacy_line in race.outcomes:
        for modern_line in race.outcomes:
            result = compare(
                pair, entry, seed_poll(legacy_line, "2.7.18"), seed_poll(modern_line, "3.12.1"), real_time=True
            )
            expected = "equivalent" if legacy_line == modern_line else "declared"
            assert result.verdict == expected, (legacy_line, modern_line)
    outside = compare(pair, entry, seed_poll("False", "2.7.18"), seed_poll("Maybe", "3.12.1"), real_time=True)
    assert outside.verdict == "mismatch"
    elsewhere = seed_poll("True", "3.12.1")
    elsewhere.stdout[11] = "True"  # a tie declared at t=10 excuses nothing at t=11
    assert compare(pair, entry, seed_poll("False", "2.7.18"), elsewhere, real_time=True).verdict == "mismatch"
    # The virtual clock settles the tie by its own rule: there, a different answer is a mismatch.
    virtual = compare(pair, entry, seed_poll("False", "2.7.18", "virtual"), seed_poll("True", "3.12.1", "virtual"))
    assert virtual.verdict == "mismatch"


def test_a_race_inside_a_declared_difference_is_judged_within_the_declaration():
    # graceful_stop: stdout differs as declared (0.5 s late against 0.0 s), and its last
    # line is a measured delay that real time may round differently on either side.
    from threadport.catalog import get_pair

    pair = get_pair("graceful_stop")
    entry = pair.entry("demo")
    [declared] = entry.declared
    [race] = entry.races

    def run(lines, delay=None):
        lines = list(lines)
        if delay is not None:
            lines[race.line] = f"main: the ticker stopped {delay} s after the request, after 3 ticks"
        return transcript(lines)

    legacy, modern = declared.legacy, declared.modern
    assert compare(pair, entry, run(legacy), run(modern)).verdict == "declared"
    assert compare(pair, entry, run(legacy, "0.6"), run(modern, "0.1"), real_time=True).verdict == "declared"
    # Under the virtual clock the declared values are exact; in real time a value outside
    # the outcomes, or any other line changed, is still a mismatch.
    assert compare(pair, entry, run(legacy, "0.6"), run(modern)).verdict == "mismatch"
    assert compare(pair, entry, run(legacy, "1.5"), run(modern), real_time=True).verdict == "mismatch"
    changed = run(modern)
    changed.stdout[0] = "ticker: tick 0"
    assert compare(pair, entry, run(legacy), changed, real_time=True).verdict == "mismatch"


@pytest.mark.parametrize(
    "race, message",
    [
        ('field = "exit"\nline = 1\noutcomes = ["a", "b"]\nwhy = "w"', "field must be stdout or stderr"),
        ('field = "stdout"\nline = -1\noutcomes = ["a", "b"]\nwhy = "w"', "line must be a 0-based line number"),
        ('field = "stdout"\nline = 1\noutcomes = ["a"]\nwhy = "w"', "outcomes must list at least two"),
        ('field = "stdout"\nline = 1\noutcomes = ["a", "b"]', "needs exactly the keys"),
    ],
)
def test_a_malformed_race_is_a_catalogue_error(race, message):
    from threadport.catalog import parse_catalog

    text = f'[[pair]]\nstem = "s"\ntitle = "t"\n[[pair.entry]]\nlegacy = "f"\n[[pair.entry.race]]\n{race}\n'
    with pytest.raises(CatalogError, match=message):
        parse_catalog(text)
