"""TP004 notifyAll -> notify_all (Condition), TP005 isSet -> is_set (Event)."""

import pytest
from fixer_helpers import fix, severities, src

REWRITES = [
    pytest.param(
        "TP004",
        "import threading\ncond = threading.Condition()\nwith cond:\n    cond.notifyAll()\n",
        "import threading\ncond = threading.Condition()\nwith cond:\n    cond.notify_all()\n",
        id="condition-call",
    ),
    pytest.param(
        "TP004",
        "import threading\ncond = threading.Condition()\nschedule(cond.notifyAll)\n",
        "import threading\ncond = threading.Condition()\nschedule(cond.notify_all)\n",
        id="condition-callback",
    ),
    pytest.param(
        "TP005",
        "from threading import Event\nstop = Event()\nwhile not stop.isSet():\n    pass\n",
        "from threading import Event\nstop = Event()\nwhile not stop.is_set():\n    pass\n",
        id="event-call",
    ),
    pytest.param(
        "TP005",
        src("""
            import threading
            class Flag(threading.Event):
                def up(self):
                    return self.isSet()
            """),
        src("""
            import threading
            class Flag(threading.Event):
                def up(self):
                    return self.is_set()
            """),
        id="event-subclass-self",
    ),
]

NOOPS = [
    pytest.param("TP004", "class Bus:\n    def notifyAll(self): pass\nBus().notifyAll()\n", id="own-notifyAll"),
    pytest.param("TP004", "import threading\nlock = threading.Lock()\nlock.notifyAll()\n", id="lock-has-none"),
    pytest.param("TP005", "class Opts:\n    def isSet(self, k): pass\no = Opts()\no.isSet('x')\n", id="own-isSet"),
    pytest.param("TP005", "flag = make_flag()\nflag.isSet()\n", id="unknown"),
]


@pytest.mark.parametrize(("code", "source", "expected"), REWRITES)
def test_rewrites(code, source, expected):
    assert fix(source, code) == expected


@pytest.mark.parametrize(("code", "source"), NOOPS)
def test_noops(code, source):
    assert fix(source, code) == source


def test_severities():
    assert severities("flag = make_flag()\nflag.isSet()\n", "TP005") == ["possible"]
    assert severities("class Opts:\n    def isSet(self): pass\nOpts().isSet()\n", "TP005") == []
    # --aggressive is for isAlive only: other aliases still exist on 3.12
    assert fix("flag = make_flag()\nflag.isSet()\n", "TP005", aggressive=True) == "flag = make_flag()\nflag.isSet()\n"
