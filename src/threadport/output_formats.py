"""`threadport check --output-format`: the findings for a terminal, a program, GitHub or code scanning.

- concise: ``path:line:col: TP001 message`` and a summary line (ruff's ``concise``).
- json: one document ``{"findings": [...], "errors": [...], "files": N}`` (the old ``--json``).
- github: one workflow command per finding, which GitHub Actions shows as an annotation on
  the line: ``::warning file=...,line=...,col=...,title=threadport TP001::TP001 message``
  (a ``[possible]`` or ``[compat]`` finding is a ``::notice``, a file that could not be read an ``::error``).
- sarif: SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from pathlib import Path

FORMATS = ("concise", "json", "github", "sarif")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def render(output_format: str, findings, errors, files: int) -> str:
    """The whole output; ``findings`` are ``(path, Finding)``, ``errors`` ``(path, reason)``."""
    return {"concise": concise, "json": as_json, "github": github, "sarif": sarif}[output_format](
        findings, errors, files
    )


def _mark(f) -> str:
    """[compat]: inside a compatibility fallback, left alone; [possible]: the receiver is a guess."""
    return "[compat] " if f.compat else "[possible] " if f.possible else ""


def _certainty(f) -> str:
    return "compat" if f.compat else "possible" if f.possible else "certain"


def concise(findings, errors, files: int) -> str:
    lines = []
    for path, f in findings:
        mark = _mark(f)
        lines.append(f"{path}:{f.line}:{f.column}: {f.code} {mark}{f.message}\n")
    return "".join(lines)


def summary(findings, errors, files: int) -> str:
    """The closing line of the concise format (left out with --quiet)."""
    checked = files - len(errors)  # a file that could not be read was not checked
    if not findings:
        return f"No findings in {checked} file{'s' * (checked != 1)}.\n"
    possible = sum(f.possible for _, f in findings)
    compat = sum(f.compat for _, f in findings)
    fixable = sum(f.fixable for _, f in findings)
    with_findings = len({path for path, _ in findings})
    return (
        f"Found {len(findings)} finding{'s' * (len(findings) != 1)} in {with_findings} of {checked} files: "
        f"{len(findings) - possible} certain ({fixable} fixable with `threadport fix`), {possible} possible"
        + (f", {compat} in compatibility fallbacks.\n" if compat else ".\n")
    )


def as_json(findings, errors, files: int) -> str:
    document = {
        "findings": [
            {
                "path": str(path),
                "line": f.line,
                "column": f.column,
                "code": f.code,
                "message": f.message,
                "severity": "compat" if f.compat else "possible" if f.possible else "error",
                "fixable": f.fixable,
            }
            for path, f in findings
        ],
        "errors": [{"path": str(path), "reason": reason} for path, reason in errors],
        "files": files,
    }
    import json  # here: the concise output, the default, never needs it

    return json.dumps(document, indent=2) + "\n"


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping (actions/toolkit's escapeData / escapeProperty)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(findings, errors, files: int) -> str:
    lines = []
    for path, f in findings:
        level = "notice" if f.possible or f.compat else "warning"
        mark = _mark(f)
        properties = f"file={_escape_property(str(path))},line={f.line},col={f.column},title=threadport {f.code}"
        lines.append(f"::{level} {properties}::{_escape_data(f'{f.code} {mark}{f.message}')}\n")
    for path, reason in errors:
        lines.append(f"::error file={_escape_property(str(path))},title=threadport::{_escape_data(reason)}\n")
    return "".join(lines)


def _uri(path: Path) -> str:
    """A path relative to the current folder (what code scanning maps onto the repository)."""
    from pathlib import Path  # here, as json: `check --help` reads FORMATS only
    from urllib.parse import quote

    absolute = Path(os.path.abspath(path))
    try:
        return quote(absolute.relative_to(Path.cwd()).as_posix())
    except ValueError:
        return absolute.as_uri()


def _rule_name(module: str) -> str:
    """threadport.fixer.tp001_is_alive -> IsAlive (SARIF's rule name is an identifier)."""
    return "".join(word.title() for word in module.rsplit(".", 1)[-1].split("_")[1:])


def sarif(findings, errors, files: int) -> str:
    from threadport import __version__
    from threadport.fixer import CODES, rule

    rules = [
        {
            "id": code,
            "name": _rule_name(rule(code).__name__),
            "shortDescription": {"text": rule(code).SUMMARY},
            "defaultConfiguration": {"level": "warning"},
        }
        for code in CODES
    ]
    index = {code: i for i, code in enumerate(CODES)}
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            # a [possible] finding's receiver is not known to be a threading object: a note, not a warning
            "level": "note" if f.possible or f.compat else "warning",
            "message": {"text": f"{_mark(f)}{f.message}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(path)},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
            "properties": {"certainty": _certainty(f), "fixable": f.fixable},
        }
        for path, f in findings
    ]
    notifications = [
        {
            "level": "error",
            "message": {"text": reason},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(path)}}}],
        }
        for path, reason in errors
    ]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "threadport",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/threadport/",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",  # Finding.column counts characters
                "invocations": [{"executionSuccessful": not errors, "toolExecutionNotifications": notifications}],
                "results": results,
            }
        ],
    }
    import json  # here: the concise output, the default, never needs it

    return json.dumps(document, indent=2) + "\n"
