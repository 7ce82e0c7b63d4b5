"""TP003: ``threading.activeCount`` -> ``threading.active_count``, imports included."""

from threadport.fixer._functions import ModuleFunction

RULE = ModuleFunction(code="TP003", old="activeCount", new="active_count")
CODE, SUMMARY, find = RULE.code, "threading.activeCount -> threading.active_count", RULE.find
TRIGGER = RULE.trigger
