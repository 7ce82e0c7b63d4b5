"""`threadport claims`: every claim in the seed's comments, shown by a pair, on every interpreter."""

from __future__ import annotations

import json
import re
import sys

import pytest

from threadport.catalog import CatalogError, Claim, get_pair, load_catalog, parse_catalog
from threadport.claims import fold, judge, quoted_in_seed, seed_comments, shown_by
from threadport.cli import main
from threadport.runner import Transcript

CLAIMS = [(pair.stem, claim) for pair in load_catalog() for claim in pair.claims]


def claimed(fragment: str) -> list[str]:
    return [stem for stem, claim in CLAIMS if fold(fragment) in fold(claim.quote)]


@pytest.mark.parametrize(("stem", "claim"), CLAIMS, ids=[f"{s}:{c.quote[:40]}" for s, c in CLAIMS])
def test_every_claim_quotes_the_seed(stem, claim):
    assert quoted_in_seed(claim.quote), f"{stem}: {claim.quote!r} is not in the seed's comments"


def atomic_bullets() -> list[str]:
    """The seed's list of thread-safe operations, read from the seed itself."""
    source = get_pair("threading_notes").legacy_path.read_text(encoding="utf-8")
    bullets = re.findall(r"^# \* (.+(?:\n#   .+)*)", source, flags=re.M)
    return [fold(bullet.replace("\n#", "")) for bullet in bullets]


def method_lines() -> list[str]:
    source = get_pair("threading_notes").legacy_path.read_text(encoding="utf-8")
    return [fold(line.lstrip("# ")) for line in source.splitlines() if re.match(r"^# t\.\w+\s+t\.", line)]


def test_each_atomic_operation_of_the_seed_has_its_claim():
    bullets = atomic_bullets()
    assert len(bullets) == 6
    for bullet in bullets:
        assert claimed(bullet) == ["atomic_ops"], bullet


def test_the_method_list_has_its_claims():
    lines = method_lines()
    assert len(lines) == 2
    for line in lines:
        assert claimed(line) == ["thread_api"], line


@pytest.mark.parametrize(
    "fragment",
    [
        "the entire Python program exits when only daemon threads are left",
        "Daemon threads are abruptly stopped at shutdown",
        "may not be released properly",
        "The initial value is inherited from the creating thread",
        "operations that read a variable or attribute, modifies it, and then writes it back are not thread-safe",
        "Python code may be executed when objects are destroyed",
        "use a suitable signalling mechanism such as an Event",
    ],
)
def test_each_seed_statement_is_claimed(fragment):
    assert fold(fragment) in seed_comments()
    assert claimed(fragment)


def test_shown_by_wants_the_lines_in_order_and_the_absent_ones_absent():
    claim = Claim("q", "demo", ("a", "c"), ("x",))
    assert shown_by(claim, ["a", "b", "c"]) == ([], [])
    assert shown_by(claim, ["c", "a"]) == (["c"], [])
    assert shown_by(claim, ["a", "c", "x"]) == ([], ["x"])


def test_judge_fails_a_run_that_raised_even_if_it_printed_the_lines():
    claim = Claim("q", "demo", ("a",))
    ran = Transcript(python="3.12.1", stdout=["a"], stderr=[], exit=0)
    assert judge(claim, ran).passed
    raised = Transcript(python="3.12.1", stdout=["a"], stderr=[], exit=1, exception={"type": "E", "message": "m"})
    assert judge(claim, raised).reason == "E: m"
    exited = Transcript(python="3.12.1", stdout=["a"], stderr=[], exit=3)  # sys.exit(3): no exception
    assert judge(claim, exited).reason == "exit status 3"
    assert not judge(Claim("q", "demo", ("b",)), ran).passed


PAIR_TOML = """
[[pair]]
stem = "thread_api"
title = "t"
  [[pair.entry]]
  legacy = "tour"
  [[pair.claim]]
{claim}
"""


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ('quote = "x"\n  entry = "nope"\n  expect = ["a"]', "entry 'nope' is not an entry point"),
        ('quote = "x"\n  entry = "tour"\n  expect = []', "expect must be a non-empty list"),
        ('quote = ""\n  entry = "tour"\n  expect = ["a"]', "quote must be"),
        ('quote = "x"\n  entry = "tour"\n  expect = ["a"]\n  absent = "a"', "absent must be a list"),
        ('quote = "x"\n  entry = "tour"\n  expect = ["a"]\n  expected = ["b"]', "unknown key(s) expected"),
        ('quote = "x"\n  entry = "tour"', "missing key 'expect'"),
    ],
)
def test_the_loader_rejects_a_malformed_claim(claim, message):
    with pytest.raises(CatalogError, match=re.escape(message)):
        parse_catalog(PAIR_TOML.format(claim=claim))


@pytest.mark.legacy
def test_cli_passes_on_python27_and_this_python(legacy_python, capsys):
    assert main(["claims", "--json", "--python", sys.executable, "--legacy-python", legacy_python]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document) == len(CLAIMS)
    versions = {".".join(map(str, sys.version_info[:3]))}
    for claim in document:
        assert claim["passed"] and claim["in_seed"]
        pythons = {check["python"] for check in claim["checks"]}
        assert any(v.startswith("2.7.") for v in pythons) and versions <= pythons


@pytest.mark.legacy
def test_cli_exits_1_when_a_claim_is_not_demonstrated(legacy_python, capsys, monkeypatch):
    wrong = 'quote = "The flag can be set through the daemon property."\n  entry = "tour"\n  expect = ["name: wrong"]'
    catalog = parse_catalog(PAIR_TOML.format(claim=wrong))
    import threadport.commands.claims as command

    monkeypatch.setattr(command, "load_catalog", lambda: catalog)
    assert main(["claims", "--python", sys.executable, "--legacy-python", legacy_python]) == 1
    out = capsys.readouterr().out
    assert out.startswith('FAIL  "The flag can be set through the daemon property."')
    assert "did not print (in order): 'name: wrong'" in out
    assert out.rstrip().splitlines()[-1].startswith("0 of 1 claims demonstrated on Python 2.7.")


def test_judge_fails_a_run_that_printed_to_stderr_even_with_exit_0():
    claim = Claim("q", "demo", ("a",))
    crashed_thread = Transcript(
        python="3.12.1",
        stdout=["a"],
        stderr=["Exception in thread Thread-1:", "Traceback (most recent call last):", "ValueError: boom"],
        exit=0,
    )
    check = judge(claim, crashed_thread)
    assert not check.passed and check.reason == "printed to stderr: 'ValueError: boom'"


def test_judge_fails_a_run_that_printed_an_absent_line():
    claim = Claim("q", "demo", ("a",), ("never",))
    assert judge(claim, Transcript(python="2.7.18", stdout=["a"], stderr=[], exit=0)).passed
    check = judge(claim, Transcript(python="2.7.18", stdout=["never", "a"], stderr=[], exit=0))
    assert not check.passed and check.reason == "printed 'never'"


def test_a_thread_that_dies_in_a_real_run_fails_the_claim(any_python, snippet):
    # A thread's uncaught exception does not reach the entry point: exit status 0,
    # every expected line printed, and the traceback only on stderr.
    source = snippet(
        """
        import threading

        def demo():
            def boom():
                raise ValueError("boom")
            t = threading.Thread(target=boom)
            t.start()
            t.join()
            print("a")
        """
    )
    from threadport.runner import run_entry

    transcript = run_entry(any_python, source, "demo")
    assert (transcript.exit, transcript.stdout) == (0, ["a"]) and "ValueError: boom" in transcript.stderr
    check = judge(Claim("q", "demo", ("a",)), transcript)
    assert not check.passed and check.reason == "printed to stderr: 'ValueError: boom'"


@pytest.mark.legacy
def test_cli_exits_1_when_an_absent_line_is_printed(legacy_python, capsys, monkeypatch):
    printed = (
        'quote = "The flag can be set through the daemon property."\n  entry = "tour"\n'
        '  expect = ["name: tour-worker"]\n  absent = ["daemon: False"]'
    )
    catalog = parse_catalog(PAIR_TOML.format(claim=printed))
    import threadport.commands.claims as command

    monkeypatch.setattr(command, "load_catalog", lambda: catalog)
    assert main(["claims", "--python", sys.executable, "--legacy-python", legacy_python]) == 1
    out = capsys.readouterr().out
    assert out.count(": printed 'daemon: False'") == 2  # on 2.7 and on this Python 3


@pytest.mark.legacy
def test_cli_exits_1_when_the_quote_is_not_in_the_seed(legacy_python, capsys, monkeypatch):
    # The entry shows its lines on both interpreters; only the quote is wrong.
    invented = 'quote = "Threads never need locks."\n  entry = "tour"\n  expect = ["name: tour-worker"]'
    assert not quoted_in_seed("Threads never need locks.")
    catalog = parse_catalog(PAIR_TOML.format(claim=invented))
    import threadport.commands.claims as command

    monkeypatch.setattr(command, "load_catalog", lambda: catalog)
    assert main(["claims", "--python", sys.executable, "--legacy-python", legacy_python]) == 1
    out = capsys.readouterr().out
    assert out.startswith('FAIL  "Threads never need locks."')
    assert "not found in the seed's comments" in out
    assert "FAIL" not in out.split("not found in the seed's comments")[1].splitlines()[1]  # the runs passed


def test_a_malformed_claim_is_named_by_its_pair_and_quote():
    with pytest.raises(CatalogError) as error:
        parse_catalog(PAIR_TOML.format(claim='quote = "It\'s alive"\n  entry = "nope"\n  expect = ["a"]'))
    assert str(error.value) == "pair 'thread_api': claim \"It's alive\": entry 'nope' is not an entry point of the pair"
