"""argparse's reading of `threadport ...`: the parser, its help layout and its width.

Imported only when argparse reads the line: for help, for a command that declares no
``QUICK`` reading (threadport.quick_args), and for a line the quick reading leaves to it.
"""

from __future__ import annotations

import argparse
import importlib

from threadport.cli import COMMANDS, terminal_columns


class Parser(argparse.ArgumentParser):
    """An epilog may be a function: it is called only when the help is printed.

    `check --help` lists every rule's summary, which imports every rule; a plain
    `check FILE` must not pay for that.
    """

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()


class Formatter(argparse.HelpFormatter):
    """argparse's help layout, given the width it would ask shutil for.

    HelpFormatter imports shutil (and with it bz2, lzma and zlib) for the terminal width
    whenever a parser is made or an argument added: about 4 ms of every start-up.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width=None, **kwargs):
        if width is None:
            width = terminal_columns() - 2  # as HelpFormatter does
        super().__init__(prog, indent_increment, max_help_position, width, **kwargs)


def build_parser(chosen: str | None = None, alone: bool = False) -> argparse.ArgumentParser:
    """The full parser; only the chosen command's module is imported and wired.

    ``alone``: the chosen command's sub-parser is the only one made (argparse's work for
    the ten others was a tenth of `threadport check`'s start-up). Only when the command
    comes first: an option before it (``--help``) is the main parser's, which lists them all.
    """
    from threadport import __version__

    parser = Parser(  # sub-command parsers are made of the same class
        prog="threadport",
        formatter_class=Formatter,
        description="Learn, prove and carry out the Python 2 to 3 migration of threading code.",
    )
    parser.add_argument("--version", action="version", version=f"threadport {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        if alone and name != chosen:
            continue
        command = sub.add_parser(name, help=help_text, description=help_text, formatter_class=Formatter)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(_run=module.run)
    return parser
