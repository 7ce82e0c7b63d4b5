"""tox.ini's envs that name their test files instead of collecting all of tests/ leave no test out."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def named_in(env: str) -> set[str]:
    """The test files that the commands of tox.ini's [testenv:ENV] name."""
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    return set(re.findall(r"\btests/[\w/]+\.py\b", tox[f"testenv:{env}"]["commands"]))


def marked(marker: str) -> set[str]:
    """The test files that mark a test with ``marker``: as a decorator, in pytestmark or in a param's marks."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "tests").rglob("test_*.py"))
        if re.search(rf"\bmark\.{marker}\b", path.read_text(encoding="utf-8"))
    }


@pytest.mark.interpreter_free("reads tox.ini and the test files as text")
def test_the_slow_env_runs_every_file_that_has_a_slow_test():
    # every other env deselects slow tests (-m "not slow"), so a file left out here would never run them
    assert marked("slow") >= {"tests/test_slow.py", "tests/test_slow_pairs.py"}
    assert named_in("slow") == marked("slow")


def environment_of(env: str) -> set[str]:
    """The variables tox.ini's [testenv:ENV] lets through (pass_env) or sets (set_env), [testenv]'s included."""
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    names = set()
    for key in ("pass_env", "set_env"):
        text = tox[f"testenv:{env}"].get(key, "")
        text = text.replace(f"{{[testenv]{key}}}", tox["testenv"].get(key, ""))
        names |= set(re.findall(r"^\s*(?:[\w{},]+:\s*)?([A-Z][A-Z0-9_]*)\b", text, re.MULTILINE))
    return names


@pytest.mark.interpreter_free("reads tox.ini and the browser tests as text")
@pytest.mark.parametrize("env", ["tour", "browser"])
def test_the_browser_envs_pass_every_variable_the_browser_tests_read(env):
    # tox runs an env with the variables it names only: one left out, and the browser tests
    # would not wait for .ci/run's chromium install beside tox, nor find a site, a timeline...
    read = set()
    for path in (ROOT / "tests" / "browser").glob("*.py"):
        read |= set(re.findall(r"\b(THREADPORT_[A-Z0-9_]+)\b", path.read_text(encoding="utf-8")))
    assert {"THREADPORT_CHROMIUM_STATUS", "THREADPORT_AXE_STATUS", "THREADPORT_AXE_JS"} <= read
    assert read - environment_of(env) == set()


@pytest.mark.interpreter_free("reads tox.ini and lists .ci/ and tools/")
def test_the_lint_env_shellchecks_every_shell_script_of_the_run():
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    (line,) = (
        line
        for line in tox["testenv:lint"]["commands"].splitlines()
        if line.strip().startswith("shellcheck --severity")
    )
    scripts = {
        path.relative_to(ROOT).as_posix()
        for folder in (".ci", "tools")
        for path in (ROOT / folder).iterdir()
        # files only: a test run may leave tools/__pycache__ (a test imports a tool's module)
        if path.is_file()
        and path.read_text(encoding="utf-8").startswith(("#!/bin/sh", "#!/usr/bin/env bash", "#!/bin/bash"))
    }
    assert {".ci/run", ".ci/with-status", ".ci/install-chromium", "tools/with-pythons"} <= scripts
    assert set(line.split()[2:]) == scripts


# No Python 3.14 can be had on these machines, so .ci/run leaves its requirement to GitHub's
# workflow, which sets it where 3.14 is installed: here the test says its row was not run.
NOT_REQUIRED_BY_CI_RUN = frozenset({"THREADPORT_REQUIRE_PYTHON314"})


@pytest.mark.interpreter_free("reads tox.ini, .ci/run and the tests as text")
def test_ci_sets_every_requirement_a_test_names():
    # availability.unavailable skips a test whose requirement is missing and fails it where the
    # variable it names is 1. A name that tox.ini never sets, and that .ci/run does not export
    # for tox to pass on, lets CI pass by skipping: the fork helpers' tests (two cores, fork, no
    # other thread), the prefilter's ahocorasick-rs, advisory locks, file ownership kept as root
    # and the benchmarks' valgrind went unrequired that way.
    named = set()
    for path in (ROOT / "tests").rglob("*.py"):
        named |= set(re.findall(r"\"(THREADPORT_REQUIRE_[A-Z0-9_]+)\"", path.read_text(encoding="utf-8")))
    assert {"THREADPORT_REQUIRE_LEGACY", "THREADPORT_REQUIRE_POOL", "THREADPORT_REQUIRE_BROWSER"} <= named
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    sections = [tox[name] for name in tox.sections() if name == "testenv" or name.startswith("testenv:")]
    set_to_one = set()
    passed = set()
    for section in sections:
        set_to_one |= set(re.findall(r"\b(THREADPORT_REQUIRE_[A-Z0-9_]+) = 1\b", section.get("set_env", "")))
        passed |= set(re.findall(r"^\s*(THREADPORT_REQUIRE_[A-Z0-9_]+)\s*$", section.get("pass_env", ""), re.M))
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    exported = set(re.findall(r"^export (THREADPORT_REQUIRE_[A-Z0-9_]+)=1\b", run, re.MULTILINE))
    unrequired = {name for name in named if name not in set_to_one and not (name in exported and name in passed)}
    assert unrequired == NOT_REQUIRED_BY_CI_RUN
    workflow = (ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8")
    assert all(f"{name}:" in workflow for name in NOT_REQUIRED_BY_CI_RUN)
