"""The fixer rules' messages state versions ("removed in Python 3.9", "deprecated since
Python 3.10"): each is checked against the ledger, so a rule cannot state a wrong one."""

from __future__ import annotations

import re

from test_ledger import book  # noqa: F401  (the session's ledger fixture)

from threadport.cli import main

# Every alias a rule rewrites, on a receiver the rules know, and the ledger name it is.
ALIASES = {
    "TP001": ("t.isAlive()", "Thread.isAlive"),
    "TP002": ("threading.currentThread()", "threading.currentThread"),
    "TP003": ("threading.activeCount()", "threading.activeCount"),
    "TP004": ("c.notifyAll()", "Condition.notifyAll"),
    "TP005": ("e.isSet()", "Event.isSet"),
    "TP006": ("t.getName()", "Thread.getName"),
    "TP007": ('t.setName("x")', "Thread.setName"),
    "TP008": ("t.isDaemon()", "Thread.isDaemon"),
    "TP009": ("t.setDaemon(True)", "Thread.setDaemon"),
}
SOURCE = "import threading\nt = threading.Thread(target=print)\nc = threading.Condition()\ne = threading.Event()\n"
REMOVED = re.compile(r"removed in (?:Python )?(3\.\d+)")
DEPRECATED = re.compile(r"deprecated (?:alias )?since (?:Python )?(3\.\d+)")


def rule_messages(tmp_path, capsys) -> dict[str, str]:
    path = tmp_path / "aliases.py"
    path.write_text(SOURCE + "".join(f"{use}\n" for use, _ in ALIASES.values()))
    main(["check", str(path)])
    found = re.findall(r": (TP\d{3}) (.*)$", capsys.readouterr().out, re.MULTILINE)
    return dict(found)


def minor(column) -> str:
    return ".".join(map(str, column.version_tuple[:2])) if column else "never"


def test_every_version_a_rule_states_is_the_ledgers(tmp_path, capsys, book):  # noqa: F811
    messages = rule_messages(tmp_path, capsys)
    assert sorted(messages) == sorted(ALIASES)  # every rule reported its alias
    stated = 0
    for code, message in messages.items():
        name = ALIASES[code][1]
        for version in REMOVED.findall(message):
            assert minor(book.first(name, "gone")) == version, f"{code}: {message}"
            stated += 1
        for version in DEPRECATED.findall(message):
            # "deprecated since" = the first Python 3 where using it warns (DeprecationWarning).
            first = book.first(name, "warns")
            assert minor(first) == version, f"{code}: {message} (the ledger: first warns on {minor(first)})"
            stated += 1
    assert stated == len(ALIASES)  # each message states one version, and each was checked


def test_a_wrong_rule_version_fails(book):  # noqa: F811
    assert minor(book.first("Thread.isAlive", "gone")) != "3.10"
    assert minor(book.first("Thread.isAlive", "warns")) == "3.7"  # not 3.8: PendingDeprecationWarning
    assert minor(book.first("Event.isSet", "warns")) != "3.9"
