"""TP007: ``t.setName(v)`` as a statement -> ``t.name = v``."""

from threadport.fixer._methods import Setter
from threadport.fixer.receivers import THREAD

RULE = Setter(code="TP007", old="setName", new="name", kinds=frozenset({THREAD}), what="threading.Thread")
CODE, SUMMARY, find = RULE.code, "t.setName(v) -> t.name = v", RULE.find
TRIGGER = RULE.trigger
