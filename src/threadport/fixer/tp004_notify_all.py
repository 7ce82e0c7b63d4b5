"""TP004: ``c.notifyAll()`` -> ``c.notify_all()`` on a threading.Condition."""

from threadport.fixer._methods import MethodRename
from threadport.fixer.receivers import CONDITION

RULE = MethodRename(
    code="TP004",
    old="notifyAll",
    new="notify_all",
    kinds=frozenset({CONDITION}),
    what="threading.Condition",
    note="deprecated since Python 3.10",
)
CODE, SUMMARY, find = RULE.code, "c.notifyAll -> c.notify_all", RULE.find
TRIGGER = RULE.trigger
