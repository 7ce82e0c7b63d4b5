"""TP006: ``t.getName()`` -> ``t.name`` (the attribute exists since Python 2.6)."""

from threadport.fixer._methods import Getter
from threadport.fixer.receivers import THREAD

RULE = Getter(code="TP006", old="getName", new="name", kinds=frozenset({THREAD}), what="threading.Thread")
CODE, SUMMARY, find = RULE.code, "t.getName() -> t.name", RULE.find
TRIGGER = RULE.trigger
