"""One error base class, caught once in cli.main (issue 9: one line, exit 2, never a traceback)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import threadport
from threadport.cli import main
from threadport.errors import ThreadportError

# Exceptions that never reach the user: control flow inside the fixer and the result reader, and the
# clock's deadlock signal (it runs inside the child interpreter, Python 2 included).
INTERNAL = {
    "threadport.fixer.tokens.SkipFix",
    "threadport.fixer.chunks.Uncut",  # a piece did not parse alone: the whole text is parsed instead
    "threadport.fixer.pyupgrade_again._WholeRun",  # a touched import: pyupgrade reads the whole text instead
    "threadport.result_text._NotPlain",  # a run's result not in repr's plain form: read by the compiler instead
    "threadport.clock.virtual.Deadlock",
}


def threadport_exceptions() -> dict[str, type]:
    found = {}
    for module_info in pkgutil.walk_packages(threadport.__path__, "threadport."):
        if module_info.name.endswith(("ledger_probe", "clock.child", "__main__")):
            continue  # scripts run as children, not importable modules
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_user_facing_error_derives_from_the_one_base():
    errors = threadport_exceptions()
    assert "threadport.results.ResultsError" in errors and "threadport.catalog.CatalogError" in errors
    strays = sorted(
        name for name, cls in errors.items() if name not in INTERNAL and not issubclass(cls, ThreadportError)
    )
    assert strays == []


@pytest.mark.parametrize(
    "argv, start",
    [
        (["show", "no_such_pair"], "threadport show: error: no pair named 'no_such_pair'"),  # CatalogError
        (
            ["timeline", "--python", "/nonexistent/python"],
            "threadport timeline: error: /nonexistent/python does not run",
        ),
        (["matrix", "/nonexistent.json"], "threadport matrix: error: /nonexistent.json: no such file or folder"),
    ],
)
def test_main_turns_any_of_them_into_one_line_and_its_exit_code(capsys, argv, start):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(start) and err.count("\n") == 1
