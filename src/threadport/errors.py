"""The one error base class: anything that ends a command with one line and an exit status.

Every error the user can cause (a bad argument, catalogue, interpreter choice,
results file or output folder) derives from ThreadportError; ``threadport.cli.main``
catches it once and prints ``threadport COMMAND: error: MESSAGE``. Code raises the
subclass that names the problem and never converts one error into another.
"""

from __future__ import annotations


class ThreadportError(Exception):
    """One clear line for the user; ``exit_code`` is the command's exit status."""

    exit_code = 2


class UsageError(ThreadportError):
    """Bad input from the user: one line on stderr, exit status 2."""
