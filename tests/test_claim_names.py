"""The seed's method list, per interpreter: what each listed name does, from the ledger, not a bare "pass"."""

from __future__ import annotations

from dataclasses import replace

from test_ledger import book  # noqa: F401  (the session's ledger fixture)

from threadport import claims
from threadport.catalog import get_pair
from threadport.ledger import Ledger, Status


def method_list_results(book):  # noqa: F811
    pair = get_pair("thread_api")
    listed = [claim for claim in pair.claims if claim.names]
    results = []
    for claim in listed:
        result = claims.ClaimResult(pair.stem, claim, pair.entry(claim.entry), claims.quoted_in_seed(claim.quote))
        result.checks = [claims.Check(column.version, True) for column in book.columns]
        results.append(result)
    return results


def test_the_seed_lists_only_names_the_ledger_probes(book):  # noqa: F811
    results = method_list_results(book)
    listed = [name for result in results for name in result.claim.names]
    assert len(results) == 2 and len(listed) == 12
    # The seed's two comment lines, word for word: t.daemon ... t.start.
    assert [n.split(".")[1] for n in listed] == " ".join(r.claim.quote for r in results).replace("t.", "").split()
    assert set(listed) <= dict(book.names).keys()


def test_each_interpreter_says_what_each_listed_name_does(book):  # noqa: F811
    results = method_list_results(book)
    claims.with_names(results, book)
    second = {c.python.rsplit(".", 1)[0]: c for c in results[1].checks}  # getName isAlive is_alive name setDaemon start
    assert second["2.7"].verdict == "pass" and all(status == "exists" for _, status in second["2.7"].names)
    assert dict(second["3.7"].names)["Thread.isAlive"] == "warns (PendingDeprecationWarning)"
    assert second["3.8"].verdict == "pass, warns"
    assert dict(second["3.9"].names)["Thread.isAlive"] == "gone"
    assert second["3.9"].verdict == "partly (names gone)"  # not the bare "pass" it used to print
    assert dict(second["3.13"].names)["Thread.setDaemon"] == "warns (DeprecationWarning)"
    text = claims.render(results)
    assert f"{second['3.9'].python} partly (names gone)" in text
    assert any(line.strip().startswith("3.10") and "gone: isAlive" in line for line in text.splitlines())
    assert results[1].to_json()["checks"][0]["names"]["Thread.isAlive"] == "exists"


def test_a_listed_name_missing_on_27_fails_the_claim(book):  # noqa: F811
    legacy = book.columns[0]
    assert legacy.version.startswith("2.7")
    broken = dict(legacy.results, **{"Thread.isAlive": Status("gone", "", "AttributeError")})
    fake = Ledger(book.names, [replace(legacy, results=broken), *book.columns[1:]])
    results = method_list_results(book)
    claims.with_names(results, fake)
    assert not results[1].checks[0].passed and "Thread.isAlive" in results[1].checks[0].reason
    assert not results[1].passed
    assert results[0].passed  # the other line lists no isAlive
