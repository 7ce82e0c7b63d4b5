"""Verdicts as data: equal is equivalent, an exact declared difference is declared,
anything else is a mismatch; each named normalization does one thing."""

from __future__ import annotations

import pytest

from threadport.catalog import CatalogError, Declared, Entry, Race
from threadport.compare import NORMALIZATIONS, compare, normalize
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


def test_traceback_tail_keeps_only_the_final_line_of_each_traceback():
    py2 = [
        "before",
        "Traceback (most recent call last):",
        '  File "x.py", line 1, in f',
        "    boom()",
        "ValueError: no",
        "after",
    ]
    py3 = [
        "before",
        "Traceback (most recent call last):",
        '  File "/a/x.py", line 1, in f',
        "    boom()",
        "    ^^^^^^",
        "ValueError: no",
        "after",
    ]
    t2 = normalize(transcript(stderr=py2), ("traceback-tail",))
    t3 = normalize(transcript(stderr=py3), ("traceback-tail",))
    assert t2.stderr == t3.stderr == ["before", "ValueError: no", "after"]
    assert t2.stdout == []  # stdout is never touched


def test_thread_target_suffix_drops_only_the_310_suffix():
    t = normalize(
        transcript(stdout=["Thread-3 (worker) done", "Thread-12 waits", "MyThread (x)"]), ("thread-target-suffix",)
    )
    assert t.stdout == ["Thread-3 done", "Thread-12 waits", "MyThread (x)"]


def test_normalizations_are_opt_in_and_named():
    entry = Entry("f", "f")
    a, b = transcript(stdout=["Thread-1"]), transcript(stdout=["Thread-1 (worker)"])
    assert compare("p", entry, a, b).verdict == "mismatch"
    assert compare("p", Entry("f", "f", normalize=("thread-target-suffix",)), a, b).verdict == "equivalent"
    with pytest.raises(CatalogError, match="unknown normalization 'fold-case'"):
        normalize(a, ("fold-case",))
    assert all(n.why for n in NORMALIZATIONS.values())
