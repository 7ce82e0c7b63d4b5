"""migrate's later pyupgrade runs read only the statements the run before touched, the others
stood in for and put back (fixer.pyupgrade_again): the result must be the command's own, run
over the whole text until it changes nothing."""

from __future__ import annotations

import functools
import sys

import pytest

from threadport.fixer import migrate, pyupgrade_again

FILLER = "".join(f"v{i} = {i}\n" for i in range(6))  # statements no run touches: stood in for

# Each a text whose second run must see something a stand-in would hide; each goes red with
# the rule that keeps it removed from pyupgrade_again (seen).
GUARDED = {
    # removeprefix reads the if's body: the test changed (str('a') -> 'a'), the body did not
    "if": "import sys\n"
    + FILLER
    + "if x.startswith(str('a')):\n    # the body, two lines below\n    x = x[len('a'):]\n"
    + FILLER,
    # the first run drops the read of x (a Python 2 branch): the loop becomes `yield from`
    "yield": "import sys\n"
    + FILLER
    + "def f(y):\n    for x in y:\n        yield x\n\n    z = 1\n"
    + "    if sys.version_info < (3,):\n        print(x)\n    else:\n        pass\n"
    + FILLER
    + "w = '%s' % (v1,)\n",
    # the same with nothing else for a second run to do: the run after the one that removed the
    # branch is the one that makes the loop `yield from`, over the function's other statements
    # too (untouched, they would be stood in for)
    "loop": "import sys\n"
    + FILLER
    + "def f(y):\n    for x in y:\n        yield x\n"
    + "".join(f"    z{i} = {i}\n" for i in range(4))
    + "    if sys.version_info < (3,):\n        print(x)\n    else:\n        pass\n"
    + FILLER,
    # List comes from typing after the first run: the annotation far below becomes list[int]
    "import": "from typing_extensions import (\n    List,\n)\n" + FILLER + "x: List[int] = []\n",
    # a stand-in for lines 1-2 would bring the line-3 cookie up to line 2, where it goes
    "line 2": "x = (\n    1)\n# -*- coding: utf-8 -*-\nimport os\n" + FILLER + "w = '%s' % (v1,)\n",
}

FUNCTIONS = "".join(f"def f{i}(a):\n    return a + {i}\n\n" for i in range(200))
BIG = '"""A module."""\nimport os\n\n' + FUNCTIONS + "w = '%s' % (os.sep,)\n"


# Both references are pure functions of the text (and pyupgrade's version), and the tests
# only read the strings: each is made once for the module. BIG's fixed point (three runs over
# 200 functions) was made by four tests, its first run by two more.
@functools.cache
def whole_fixed_point(text: str) -> str:
    """The command over the whole text (in this process, as migrate runs it) until it
    changes nothing."""
    for _ in range(5):
        new_text = first_run(text)
        if new_text == text:
            return text
        text = new_text
    raise AssertionError("no fixed point in 5 runs")


@functools.cache
def first_run(text: str) -> str:
    """One run of the command over the whole text, as migrate's first run makes it."""
    return migrate._pyupgrade_run(migrate._pyupgrade_command(), text)


def recorded_inputs(monkeypatch) -> list[str]:
    """The text each pyupgrade run of migrate reads, in order."""
    inputs = []
    real = migrate._run_on_stdin

    def recording(command, data, printed, said):
        inputs.append(data.decode("utf-8"))
        return real(command, data, printed, said)

    monkeypatch.setattr(migrate, "_run_on_stdin", recording)
    return inputs


@pytest.mark.parametrize("name", GUARDED)
def test_later_runs_end_where_whole_runs_do(name):
    text = GUARDED[name]
    assert migrate.pyupgrade_py39(text) == whole_fixed_point(text)


def test_the_guarded_texts_do_take_a_second_run():
    """Else the cases above pass with any stand-ins: a first run that is the fixed point
    leaves nothing to hide."""
    second_runs = {name for name, text in GUARDED.items() if whole_fixed_point(text) != first_run(text)}
    # all five on pyupgrade 3.22; 3.21 has no removeprefix rule, 3.0 (the floor) no
    # typing_extensions -> typing either
    assert {"yield", "loop", "line 2"} <= second_runs


def test_a_later_run_reads_only_the_touched_statements(monkeypatch):
    expected = whole_fixed_point(BIG)
    inputs = recorded_inputs(monkeypatch)
    assert migrate.pyupgrade_py39(BIG) == expected
    assert expected.endswith("w = f'{os.sep}'\n")  # .format() in the first run, the f-string in the second
    assert len(inputs) == 3 and inputs[0] == BIG
    # the second: lines 1-2, the import (every import stays), the changed line and the one above,
    # one stand-in for the 200 functions; the third, which changes nothing, the same lines
    stand_in = f"pass  # {pyupgrade_again.STAND_IN}:0:\n"
    assert inputs[1] == '"""A module."""\nimport os\n\n' + stand_in + "\nw = '{}'.format(os.sep)\n"
    assert inputs[2] == '"""A module."""\nimport os\n\n' + stand_in + "\nw = f'{os.sep}'\n"


def test_a_stand_in_that_comes_back_changed_means_a_whole_run(monkeypatch):
    expected = whole_fixed_point(BIG)
    inputs = recorded_inputs(monkeypatch)
    real = migrate._run_on_stdin

    def meddling(command, data, printed, said):  # a rule that rewrote the stand-in
        status = real(command, data, printed, said)
        if pyupgrade_again.STAND_IN.encode() in data:
            text = printed.getvalue().replace("pass  #", "pass #")
            printed.seek(0)
            printed.truncate()
            printed.write(text)
        return status

    monkeypatch.setattr(migrate, "_run_on_stdin", meddling)
    assert migrate.pyupgrade_py39(BIG) == expected
    first_run = expected.replace("f'{os.sep}'", "'{}'.format(os.sep)")
    # each later run stood in for, then the whole text: the f-string, then the run that
    # changes nothing
    assert len(inputs) == 5 and inputs[0] == BIG
    assert pyupgrade_again.STAND_IN in inputs[1] and inputs[2] == first_run
    assert pyupgrade_again.STAND_IN in inputs[3] and inputs[4] == expected


def test_a_run_over_the_stood_in_text_that_fails_means_a_whole_run(monkeypatch):
    expected = whole_fixed_point(BIG)
    command = migrate._pyupgrade_command()
    failed = []

    def failing(argv):
        if pyupgrade_again.STAND_IN.encode() in sys.stdin.buffer.getvalue():
            failed.append(argv)
            raise AssertionError("not over this text")
        return command(argv)

    monkeypatch.setattr(migrate, "_pyupgrade_command", lambda: failing)
    assert migrate.pyupgrade_py39(BIG) == expected
    assert len(failed) == 2  # the f-string's run and the one that changes nothing


def test_a_text_with_a_lone_cr_is_read_whole(monkeypatch):
    # ast counts a lone CR as a line break and pyupgrade's tokens do not: no stand-ins there
    text = BIG + "z = 0\r"
    expected, first = whole_fixed_point(text), first_run(text)
    inputs = recorded_inputs(monkeypatch)
    assert migrate.pyupgrade_py39(text) == expected
    assert inputs == [text, first, expected]


def test_restored_puts_each_stand_in_back_once_and_in_order():
    shorter, stand_ins = pyupgrade_again.reduced(first_run(BIG), BIG)
    assert pyupgrade_again.restored(shorter, stand_ins) == first_run(BIG)
    ((line, _),) = stand_ins
    assert pyupgrade_again.restored(shorter.replace(line, ""), stand_ins) is None  # gone
    assert pyupgrade_again.restored(shorter + line, stand_ins) is None  # twice
