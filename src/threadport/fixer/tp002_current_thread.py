"""TP002: ``threading.currentThread`` -> ``threading.current_thread``, imports included."""

from threadport.fixer._functions import ModuleFunction

RULE = ModuleFunction(code="TP002", old="currentThread", new="current_thread")
CODE, SUMMARY, find = RULE.code, "threading.currentThread -> threading.current_thread", RULE.find
TRIGGER = RULE.trigger
