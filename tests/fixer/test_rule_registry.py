"""A rule is one module: its file name registers it, its TRIGGER feeds the prefilter and the walk."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import threadport.fixer as fixer
from threadport.fixer.engine import Finding, analyze
from threadport.fixer.files import Prefilter
from threadport.fixer.trigger import Trigger


def test_every_rule_module_is_registered_under_its_own_code():
    modules = sorted(p.stem for p in Path(fixer.__file__).parent.glob("tp[0-9][0-9][0-9]_*.py"))
    assert [fixer.rule(code).__name__.rsplit(".", 1)[1] for code in fixer.CODES] == modules
    for code in fixer.CODES:
        module = fixer.rule(code)
        assert module.CODE == code and module.SUMMARY and callable(module.find)
        assert isinstance(module.TRIGGER, Trigger)


def test_a_new_rule_needs_nothing_but_its_own_trigger(monkeypatch):
    def find(ctx):
        for site in ctx.sites("fooBar"):
            yield Finding("TP999", *ctx.attr_name(site.node), "fooBar seen")
        for site in ctx.collected.names:
            if site.node.id == "fooBar":
                yield Finding("TP999", *ctx.start(site.node), "bare fooBar seen")

    new_rule = SimpleNamespace(CODE="TP999", SUMMARY="", TRIGGER=Trigger.attribute("fooBar", name=True), find=find)
    _, found = analyze("x.fooBar()\nfooBar\nx.fooBars\n", [new_rule])
    assert [(f.line, f.col, f.message) for f in found] == [(1, 2, "fooBar seen"), (2, 0, "bare fooBar seen")]

    monkeypatch.setattr("threadport.fixer.files.rule", lambda code: new_rule)
    prefilter = Prefilter(("TP999",))
    assert prefilter.search(b"x.fooBar()") and not prefilter.search(b"x.fooBars()")
