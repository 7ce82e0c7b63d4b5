"""A command line read without argparse, when it is one argparse would read without a word.

`threadport check FILE` paid about a seventh of its start-up for argparse: the module,
gettext and locale (gettext imports it to look for a translation of argparse's
messages, once per message, while the parser is built), then building the parser and
reading the line. A command module may declare what its parser reads as a ``Quick``;
``Quick.read`` reads only the lines it can read exactly as argparse would:

- option strings written out in full (``--isolated``, ``--select TP001``, ``--select=TP001``),
  each value one argument that does not start with ``-``, a choice among the choices;
- the positional arguments in one run (argparse reads no second run: "unrecognized arguments").

Anything else (``-h``, an abbreviation, ``--``, an unknown option, a missing value, a
refused choice, no path) returns None: argparse then reads the line, with its help,
its messages and its exit status. tests/test_quick_args.py holds each ``Quick`` equal
to its argparse parser, option by option and on every short command line made of them.
"""

from __future__ import annotations

from types import SimpleNamespace

from threadport.records import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from collections.abc import Callable


class Flag(Record, frozen=True):
    """An option without a value (store_true, store_const, BooleanOptionalAction): stores ``const``."""

    __slots__ = ("dest", "const", "default")

    def __init__(self, dest: str, const: object = True, default: object = False) -> None:
        self.dest = dest
        self.const = const
        self.default = default


class Value(Record, frozen=True):
    """An option with one value: stores ``convert(value)`` (the value itself without ``convert``)."""

    __slots__ = ("dest", "convert", "choices", "default")

    def __init__(
        self,
        dest: str,
        convert: Callable[[str], object] | None = None,
        choices: tuple[str, ...] | None = None,
        default: object = None,
    ) -> None:
        self.dest = dest
        self.convert = convert
        self.choices = choices
        self.default = default


class Quick:
    """A sub-command's options (option string -> Flag or Value) and its positional
    arguments: ``positional`` names their dest, gathered in a list of one or more
    (argparse's ``nargs="+"``); None when the command takes none. With ``nargs="*"``
    (none or more) a line is read only when they come first, or there are none: where
    argparse's versions agree (compare's pair stems)."""

    def __init__(self, options: dict[str, Flag | Value], positional: str | None = None, nargs: str = "+") -> None:
        self.options = options
        self.positional = positional
        self.nargs = nargs

    def read(self, argv: list[str]) -> SimpleNamespace | None:
        """The namespace argparse would make of ``argv`` (the words after the command), or None."""
        values = {option.dest: option.default for option in self.options.values()}
        run: list[str] = []
        runs = 0
        waiting = False  # the last argument was a positional one
        arguments = iter(argv)
        for argument in arguments:
            if argument == "-" or not argument.startswith("-"):
                if not waiting:
                    runs += 1
                run.append(argument)
                waiting = True
                continue
            waiting = False
            name, equals, given = argument.partition("=")
            option = self.options.get(name)
            if option is None:
                return None  # -h, --, an abbreviation, an unknown option: argparse's to say
            if isinstance(option, Flag):
                if equals:
                    return None  # argparse: "ignored explicit argument"
                values[option.dest] = option.const
                continue
            if not equals:
                given = next(arguments, None)
                if given is None:
                    return None  # argparse: "expected one argument"
            if given.startswith("-") or (option.choices is not None and given not in option.choices):
                return None
            try:
                values[option.dest] = option.convert(given) if option.convert else given
            except Exception:  # argparse's type error (ArgumentTypeError, ValueError...): its message
                return None
        if self.positional is None:
            if run:
                return None  # argparse: "unrecognized arguments"
        elif self.nargs == "*":
            if runs > 1 or (runs and argv[0].startswith("-") and argv[0] != "-"):
                return None  # two runs, or a run after an option: argparse's to read
            values[self.positional] = run
        elif runs != 1:
            return None  # none (argparse: "required") or two runs (argparse: "unrecognized arguments")
        else:
            values[self.positional] = run
        return SimpleNamespace(**values)
