"""A module of the tree that only star-imports threading (Pyro4's ``threadutil``) gives
threading's objects to the files importing it; anything more in it, and it gives nothing."""

from __future__ import annotations

import pytest
from fixer_helpers import src

from threadport.cli import main
from threadport.fixer.tree import threading_reexport

THREADUTIL = src("""
    \"\"\"threading2 when configured, else threading.\"\"\"
    from pkg import config

    if config.THREADING2:
        try:
            from threading2 import *
        except ImportError:
            from threading import *
    else:
        from threading import *
    """)
USERS = {
    "attribute": src("""
        from pkg import threadutil
        t = threadutil.Thread(target=f)
        t.setDaemon(True)
        """),
    "dotted-import": src("""
        import pkg.threadutil
        class Loop(pkg.threadutil.Thread):
            def __init__(self):
                pkg.threadutil.Thread.__init__(self)
                self.started = pkg.threadutil.Event()
            def wait(self):
                return self.started.isSet()
        """),
    "import-as": src("""
        import pkg.threadutil as tu
        tu.Event().isSet()
        """),
    "from-import": src("""
        from pkg.threadutil import Thread
        t = Thread(target=f)
        t.setDaemon(True)
        """),
    "module-function": src("""
        from pkg import threadutil
        print(threadutil.currentThread())
        """),
}
FIXED = {
    "attribute": "t.daemon = True",
    "dotted-import": "self.started.is_set()",
    "from-import": "t.daemon = True",
    "import-as": "tu.Event().is_set()",
    "module-function": "threadutil.current_thread()",
}


def tree(tmp_path, threadutil: str, user: str, init: str = ""):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text(init)
    (package / "config.py").write_text("THREADING2 = False\n")
    (package / "threadutil.py").write_text(threadutil)
    (tmp_path / "user.py").write_text(user)
    return tmp_path / "user.py"


@pytest.mark.parametrize("shape", sorted(USERS))
def test_reexported_threading_is_rewritten(tmp_path, capsys, shape):
    user = tree(tmp_path, THREADUTIL, USERS[shape])
    assert main(["check", "--exit-zero", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[possible]" not in out and "user.py" in out
    assert main(["fix", str(tmp_path)]) == 1
    assert FIXED[shape] in user.read_text()


NEAR_MISSES = {
    "module-defines-more": THREADUTIL + "class Thread(object):\n    def setDaemon(self, d): pass\n",
    "assigns-a-name": THREADUTIL + "Event = FakeEvent\n",
    "star-of-another-module": THREADUTIL.replace("from threading2 import *", "from fakethreads import *"),
    "no-star-import": "from threading import Thread, Event, currentThread\nfrom pkg import config\n",
}


@pytest.mark.parametrize("miss", sorted(NEAR_MISSES))
@pytest.mark.parametrize("shape", sorted(USERS))
def test_anything_else_in_the_module_keeps_it_possible(tmp_path, capsys, miss, shape):
    user = tree(tmp_path, NEAR_MISSES[miss], USERS[shape])
    before = user.read_text()
    assert main(["check", "--exit-zero", str(tmp_path)]) == 0
    assert "[possible]" in capsys.readouterr().out
    main(["fix", str(tmp_path)])
    assert user.read_text() == before


def test_a_package_that_rebinds_the_module_name_is_not_trusted(tmp_path, capsys):
    user = tree(tmp_path, THREADUTIL, USERS["attribute"], init="threadutil = None\n")
    before = user.read_text()
    main(["fix", str(tmp_path)])
    assert user.read_text() == before


def test_a_name_the_module_binds_itself_is_not_threading(tmp_path, capsys):
    tree(tmp_path, THREADUTIL, "from pkg import threadutil\nthreadutil.config.isSet()\n")
    assert main(["check", "--exit-zero", str(tmp_path)]) == 0
    assert "TP005 [possible]" in capsys.readouterr().out


def test_two_modules_of_one_dotted_name_are_not_trusted(tmp_path):
    user = tree(tmp_path, THREADUTIL, USERS["attribute"])
    copy = tmp_path / "copy" / "pkg"
    copy.mkdir(parents=True)
    (copy / "__init__.py").write_text("")
    (copy / "threadutil.py").write_text("class Thread(object):\n    def setDaemon(self, d): pass\n")
    before = user.read_text()
    main(["fix", str(tmp_path)])
    assert user.read_text() == before


def test_what_counts_as_a_reexport():
    assert threading_reexport(THREADUTIL.encode()) == frozenset({"config"})
    assert threading_reexport(b"from threading import *\n") == frozenset()
    assert threading_reexport(b"from threading import *\nfrom os import *\n") is None
    assert threading_reexport(b"from threading import *\ndef f(): pass\n") is None
    assert threading_reexport(b"import threading\n") is None


def test_a_star_import_of_the_reexporting_module(tmp_path):
    user = tree(tmp_path, THREADUTIL, "from pkg.threadutil import *\nt = Thread()\nt.setDaemon(True)\n")
    assert main(["fix", str(tmp_path)]) == 1
    assert "t.daemon = True" in user.read_text()


def test_a_star_import_of_another_module_beside_threading_may_bring_its_own_thread():
    from fixer_helpers import fix, severities

    source = "from threading import *\nfrom fakethreads import *\nt = Thread()\nt.setDaemon(True)\n"
    assert severities(source, "TP009") == ["possible"]
    assert fix(source, "TP009") == source
    alone = "from threading import *\nt = Thread()\nt.setDaemon(True)\n"
    assert severities(alone, "TP009") == ["certain"]
