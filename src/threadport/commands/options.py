"""Options shared by the commands that run entry points (compare, claims, timeline)."""

from __future__ import annotations

# threadport.interpreters (functools, collections: 6 M instructions) is imported where a
# choice is made: compare reads its line with _positive_int and starts its first fork server
# before it needs one.
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    import argparse

    from threadport.interpreters import Interpreter


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < 1:
        # argparse only to refuse: a line read without it (commands.compare.QUICK's `--jobs 2`)
        # imported it, with gettext, in every compare before its fork servers started.
        import argparse

        raise argparse.ArgumentTypeError(
            "must be at least 1" if number is not None else f"{value!r} is not a whole number"
        )
    return number


def jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=_positive_int, metavar="N", help="processes at once (default: CPU count)")


def minimum_text() -> str:
    from threadport.interpreters import MODERN_MINIMUM

    return ".".join(map(str, MODERN_MINIMUM))


def legacy_choice(spec: str | None) -> Interpreter:
    """--legacy-python when given (it must be a working 2.7), else $THREADPORT_LEGACY_PYTHON or discovery."""
    from threadport import interpreters

    if spec is None:
        return interpreters.find_legacy()
    return interpreters.legacy_choice(spec, f"--legacy-python {spec}")


def modern_choice(spec: str, named: str | None = None) -> Interpreter:
    """--python: a path, a command or a version, and at least Python 3.9."""
    from threadport import interpreters

    return interpreters.modern_choice(spec, named or f"--python {spec}")
