"""TP008: ``t.isDaemon()`` -> ``t.daemon`` (the attribute exists since Python 2.6)."""

from threadport.fixer._methods import Getter
from threadport.fixer.receivers import THREAD

RULE = Getter(code="TP008", old="isDaemon", new="daemon", kinds=frozenset({THREAD}), what="threading.Thread")
CODE, SUMMARY, find = RULE.code, "t.isDaemon() -> t.daemon", RULE.find
TRIGGER = RULE.trigger
