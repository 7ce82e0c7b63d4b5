"""TP005: ``e.isSet()`` -> ``e.is_set()`` on a threading.Event."""

from threadport.fixer._methods import MethodRename
from threadport.fixer.receivers import EVENT

RULE = MethodRename(
    code="TP005",
    old="isSet",
    new="is_set",
    kinds=frozenset({EVENT}),
    what="threading.Event",
    note="deprecated since Python 3.10",
)
CODE, SUMMARY, find = RULE.code, "e.isSet -> e.is_set", RULE.find
TRIGGER = RULE.trigger
