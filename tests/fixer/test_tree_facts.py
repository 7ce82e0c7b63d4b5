"""No false rewrite from what other files say: test doubles and names the tree defines."""

from __future__ import annotations

import pytest
from fixer_helpers import fix, severities, src

from threadport.cli import main

SCHEDULER = src("""
    import threading

    class Scheduler(object):
        def start(self):
            self._thread = threading.Thread(target=self.run)
            self._thread.start()

        def running(self):
            return self._thread.isAlive()
    """)
FAKE_THREAD_TEST = src("""
    from scheduler import Scheduler

    class FakeThread(object):
        def isAlive(self):
            return True

    def test_running():
        scheduler = Scheduler()
        scheduler._thread = FakeThread()
        assert scheduler.running()
    """)


def project(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / f"{name}.py").write_text(text)
    return tmp_path


def test_attribute_assigned_from_another_file_is_not_certain(tmp_path, capsys):
    folder = project(tmp_path, scheduler=SCHEDULER, test_scheduler=FAKE_THREAD_TEST)
    assert main(["check", "--exit-zero", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "scheduler.py:9:29: TP001 [possible]" in out
    assert "1 possible" in out
    assert main(["fix", str(folder)]) == 0
    assert main(["fix", "--aggressive", str(folder)]) == 0  # isAlive is defined in the tree
    assert (folder / "scheduler.py").read_text() == SCHEDULER


def test_alone_the_class_file_is_certain(tmp_path, capsys):
    folder = project(tmp_path, scheduler=SCHEDULER)
    assert main(["fix", str(folder)]) == 1
    assert "self._thread.is_alive()" in (folder / "scheduler.py").read_text()


def test_attribute_assigned_from_outside_in_the_same_file():
    source = SCHEDULER + "s = Scheduler()\ns._thread = object()\n"
    assert severities(source, "TP001") == ["possible"]
    assert fix(source, "TP001") == source
    reset = SCHEDULER + "s = Scheduler()\ns._thread = None\n"  # a reset is not another object
    assert severities(reset, "TP001") == ["certain"]


def test_aggressive_leaves_a_name_defined_in_the_same_file():
    source = src("""
        class Spawn(object):
            def isAlive(self):
                return True
        def check(child):
            return child.isAlive()
        """)
    assert severities(source, "TP001") == ["possible"]
    assert fix(source, "TP001", aggressive=True) == source
    plain = "def check(child):\n    return child.isAlive()\n"
    assert fix(plain, "TP001", aggressive=True) == "def check(child):\n    return child.is_alive()\n"


def test_aggressive_leaves_a_name_defined_in_another_file(tmp_path, capsys):
    spawn = "class spawn(object):\n    def isAlive(self):\n        return True\n"
    user = "def check(child):\n    return child.isAlive()\n"
    folder = project(tmp_path, pexpect_like=spawn, user=user)
    assert main(["fix", "--aggressive", str(folder)]) == 0
    assert (folder / "user.py").read_text() == user
    assert main(["fix", "--aggressive", str(folder / "user.py")]) == 1  # alone, nothing defines it
    assert (folder / "user.py").read_text() == user.replace("isAlive", "is_alive")


BACKGROUND = src("""
    from web import utils
    def background(func):
        def internal():
            key = threading.currentThread()
            return key
        return internal
    """)


def test_threading_never_bound_is_the_module_while_nothing_gives_one(tmp_path, capsys):
    folder = project(tmp_path, background=BACKGROUND, app="import web\n")
    assert main(["check", str(folder)]) == 1
    assert "background.py:4:25: TP002 currentThread -> current_thread" in capsys.readouterr().out
    assert main(["fix", str(folder)]) == 1
    assert "key = threading.current_thread()" in (folder / "background.py").read_text()


@pytest.mark.parametrize(
    "giver",
    [
        "import background, green\nbackground.threading = green.threading\n",
        "import background, green\nsetattr(background, 'threading', green.threading)\n",
        "import background, green\nbackground.__dict__['threading'] = green.threading\n",
        "import green\nexecfile('background.py', {'threading': green.threading})\n",
        "import green\nexecfile('background.py', dict(threading=green.threading))\n",
    ],
)
def test_threading_given_by_another_file_is_not_certain(tmp_path, capsys, giver):
    folder = project(tmp_path, background=BACKGROUND, app=giver)
    assert main(["check", "--exit-zero", str(folder)]) == 0
    assert "background.py:4:25: TP002 [possible]" in capsys.readouterr().out
    assert main(["fix", str(folder)]) == 0
    assert (folder / "background.py").read_text() == BACKGROUND


@pytest.mark.parametrize(
    "giver",
    [
        "setattr(scheduler, '_thread', FakeThread())",
        'scheduler.__dict__["_thread"] = FakeThread()',
        "vars(scheduler).update({'_thread': FakeThread()})",
        "vars(scheduler).update(_thread=FakeThread())",
    ],
)
def test_attribute_given_by_name_from_another_file_is_not_certain(tmp_path, capsys, giver):
    test = FAKE_THREAD_TEST.replace("scheduler._thread = FakeThread()", giver)
    folder = project(tmp_path, scheduler=SCHEDULER, test_scheduler=test)
    assert main(["check", "--exit-zero", str(folder)]) == 0
    assert "scheduler.py:9:29: TP001 [possible]" in capsys.readouterr().out
    assert main(["fix", str(folder)]) == 0
    assert (folder / "scheduler.py").read_text() == SCHEDULER


# given_by_name finds what the regex tree.GIVEN_BY_NAME finds, from the name's occurrences.
GIVEN = {
    b"setattr(o, 'x', 1)": True,
    b'setattr (o.a[1] ,  "x", 1)': True,
    b"setattr(o,\n        'x', 1)": False,  # a line end between the comma and the name
    b"setattr(o\n  .a, 'x', 1)": True,  # ...but not between the bracket and the comma
    b"setattr(f(o), 'x', 1)": False,
    b"setattr), 'x', 1)": False,
    b"nosetattr(o, 'x', 1)": False,
    b"_setattr(o, 'x', 1)": False,
    b"o.setattr(o, 'x', 1)": True,
    b"setattr(o, 'xy', 1)": False,
    b"setattr(o, 'x\", 1)": True,
    b"d['x'] = 1": True,
    b'd[ "x" ]=1': True,
    b"d['x'] == 1": False,
    b"d['x']\n= 1": False,
    b"{'x': 1}": True,
    b'{"x" :1}': True,
    b"'x'\n:": False,
    b"f(x=1)": True,
    b"f(a, x = 2)": True,
    b"f(x=None)": False,
    b"f(x = None_)": True,
    b"f(x==1)": False,
    b"f(xx=1)": False,
    b"f(ax=1)": False,
    b"x = 1": False,
    b"'x'": False,
    b"x": False,
    b"(x=1": True,
    b"a, 'x' , x=1": True,
    b"y = 1; x\n": False,
}


@pytest.mark.parametrize("data", sorted(GIVEN))
def test_given_by_name_answers_as_the_regex(data):
    import re

    from threadport.fixer.tree import GIVEN_BY_NAME, given_by_name

    regex = re.compile(b"|".join(form.replace(b"ATTR", b"x") for form in GIVEN_BY_NAME))
    assert given_by_name(data, "x") == (regex.search(data) is not None) == GIVEN[data]
    assert given_by_name(b"text before; " + data + b" # after", "x") == GIVEN[data]  # not at the ends
