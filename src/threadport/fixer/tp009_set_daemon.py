"""TP009: ``t.setDaemon(v)`` as a statement -> ``t.daemon = v``."""

from threadport.fixer._methods import Setter
from threadport.fixer.receivers import THREAD

RULE = Setter(code="TP009", old="setDaemon", new="daemon", kinds=frozenset({THREAD}), what="threading.Thread")
CODE, SUMMARY, find = RULE.code, "t.setDaemon(v) -> t.daemon = v", RULE.find
TRIGGER = RULE.trigger
