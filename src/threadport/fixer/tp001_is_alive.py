"""TP001: ``t.isAlive()`` -> ``t.is_alive()``. Python 3.9 removed isAlive (bpo-37804)."""

from threadport.fixer._methods import MethodRename
from threadport.fixer.receivers import THREAD

RULE = MethodRename(
    code="TP001",
    old="isAlive",
    new="is_alive",
    kinds=frozenset({THREAD}),
    what="threading.Thread",
    note="isAlive was removed in Python 3.9",
    # --aggressive renames isAlive() on unknown receivers too, betting they are threads
    # (threading's isAlive() fails on 3.9+); never when a file being processed defines an
    # isAlive of its own (a test double, a spawn object): the call may reach that one.
    aggressive=True,
)
CODE, SUMMARY, find = RULE.code, "x.isAlive() -> x.is_alive() (removed in 3.9)", RULE.find
TRIGGER = RULE.trigger
