"""Prove the proof: every mutation in mutation_table.py must be caught by the checks it names.

A surviving mutation is a bug in the proof (a check that cannot fail), not in the
mutation. The mutations run two at a time, each in its own copy of the repository,
when the first test of this file asks for them; `python tests/mutations/mutation_runner.py`
runs the same table from the command line and prints what caught each one.
"""

from __future__ import annotations

import pytest
from mutation_runner import PASSED, REPO, Check, Verdict, run_all
from mutation_table import MUTATIONS


def _param(mutation):
    marks = []
    if mutation.survives_because:
        # strict: the day the weakness is fixed, the mutation is caught, this XPASSes
        # and fails, and the marker must go.
        marks.append(pytest.mark.xfail(reason=mutation.survives_because, strict=True))
    return pytest.param(mutation, id=mutation.name, marks=marks)


@pytest.fixture(scope="session")
def results(request, tmp_path_factory, legacy_python):
    """Baseline and verdicts for the mutations this session collected, computed once, in parallel."""
    collected = []
    for item in request.session.items:
        if getattr(item, "originalname", "") == "test_mutation_is_caught":
            mutation = item.callspec.params["mutation"]
            if mutation not in collected:
                collected.append(mutation)
    return run_all(collected or list(MUTATIONS), tmp_path_factory.mktemp("mutations"))


def _baseline_problems(baseline: dict, checks: tuple[Check, ...]) -> list[str]:
    problems = []
    for check in checks:
        outcome = baseline[check]
        if isinstance(outcome, Exception):
            problems.append(str(outcome))
        elif outcome.status != PASSED:
            problems.append(f"{check.label} fails without any mutation:\n{outcome.tail}")
    return problems


@pytest.mark.legacy  # the pair checks run the legacy halves on python2.7
@pytest.mark.parametrize("mutation", [_param(m) for m in MUTATIONS])
def test_mutation_is_caught(mutation, results):
    baseline, verdicts = results
    # A check that fails on the unmutated copy proves nothing about the mutation.
    problems = _baseline_problems(baseline, mutation.checks)
    assert not problems, "\n".join(problems)
    verdict: Verdict | Exception = verdicts[mutation.name]
    if isinstance(verdict, Exception):
        raise verdict
    if not verdict.caught:
        passed = "; ".join(o.check.label for o in verdict.outcomes)
        pytest.fail(f"mutation survived: {mutation.name!r}; these checks all passed: {passed}", pytrace=False)


def test_the_table_names_each_mutation_once_and_every_one_has_a_check():
    names = [m.name for m in MUTATIONS]
    assert len(names) == len(set(names))
    assert len(MUTATIONS) >= 20
    assert all(m.checks and m.old != m.new for m in MUTATIONS)
    assert not [m.path for m in MUTATIONS if m.path.startswith(("/", ".."))]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_each_mutation_still_applies_to_the_sources(mutation):
    # Quick drift check, no copy and no run: the text to replace is there, once.
    text = (REPO / mutation.path).read_text(encoding="utf-8")
    assert text.count(mutation.old) == 1, f"{mutation.path} changed: update {mutation.name!r}"
