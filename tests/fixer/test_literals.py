"""The one-pass literal test (fixer.literals, ahocorasick-rs) answers as a scan per literal
would, and the prefilter and the tree facts ask it before scanning literal by literal."""

from __future__ import annotations

import pytest
from availability import unavailable
from fixer_helpers import assert_screens_as_each_trigger

from threadport.fixer import CODES, literals, rule
from threadport.fixer import files as files_module
from threadport.fixer import tree as tree_module
from threadport.fixer.files import Prefilter, _screen
from threadport.fixer.tree import outside_assignments, outside_in
from threadport.fixer.trigger import Matcher

# Texts that hold some literals, none, or one only inside another (thread inside
# dummy_threading, etName inside setName), one after another with no gap, or at the very
# ends of the text: a leftmost-first search reports one match where several overlap.
TEXTS = [
    b"",
    b"x = 1\n",
    b"thread",
    b"import dummy_threading\n",
    b"t.setName('a')\n",
    b"isSetName isAlive",
    b"currentThreadummy_threading",
    b"RLock",
    b"a.acquire()\ntry:\n    pass\nfinally:\n    a.release()\n",
    b"# Condition\nthreading.Condition()\n",
    b"checkintervalisDaemon",
    b"nothing here but Thre ad and acquir e\n",
    b"\xff\xfe binary isDaemo\x00n",
]


def accelerated() -> None:
    if literals.any_of.__wrapped__(frozenset({b"x"})) is None:
        unavailable("ahocorasick-rs is not installed (pip install 'threadport[fast]')", "THREADPORT_REQUIRE_FAST")


@pytest.fixture
def without_accelerator(monkeypatch):
    """As on a Python with no ahocorasick-rs wheel: every literal scanned one by one."""
    monkeypatch.setattr(literals, "_accelerator", lambda: None)
    literals.any_of.cache_clear()
    tree_module._attribute_screens.cache_clear()
    yield
    literals.any_of.cache_clear()
    tree_module._attribute_screens.cache_clear()


@pytest.fixture(params=["one pass", "literal by literal"])
def either_path(request, monkeypatch):
    """Each test twice: with the one-pass test, and as without ahocorasick-rs."""
    if request.param == "one pass":
        accelerated()
    else:
        monkeypatch.setattr(literals, "_accelerator", lambda: None)
    literals.any_of.cache_clear()
    tree_module._attribute_screens.cache_clear()
    yield
    literals.any_of.cache_clear()
    tree_module._attribute_screens.cache_clear()


def every_literal() -> set[bytes]:
    return {Matcher(rule(code).TRIGGER).literal for code in CODES} | {b"thread", b"etName", b"Daemon"}


def test_one_pass_answers_as_a_scan_per_literal():
    accelerated()
    words = sorted(every_literal())
    for chosen in [frozenset(words), *(frozenset({word}) for word in words), frozenset(words[::3])]:
        test = literals.any_of(chosen)
        assert test is not None
        for text in TEXTS:
            assert test.found(text) == any(word in text for word in chosen), (sorted(chosen), text)


def test_one_pass_tells_which_literals_a_text_holds():
    """Never wrong about a literal it answers for, and silent only where a reported match
    may hide an occurrence (a literal that can overlap another's start)."""
    accelerated()
    words = frozenset(every_literal())
    test = literals.any_of(words)
    for text in TEXTS:
        held, absent = test.presence(text)
        assert held == {w for w in held if w in text} and not {w for w in absent if w in text}, text
        unknown = words - held - absent
        reported = {w for w in words if w in text}
        assert all(test._hidden_by[w] & reported for w in unknown), text
    held, absent = test.presence(b"x = threading.RLock()\n")
    assert held == {b"RLock", b"thread"} and absent == words - held - {b"dummy_threading"}  # ("threadummy_")
    held, absent = test.presence(b"x = t.isAlive()\n")
    assert held == {b"isAlive"} and absent == words - {b"isAlive", b"etName"}  # ("isAlivetName")
    held, absent = test.presence(b"import dummy_threading\n")
    assert {b"dummy_threading", b"thread"} <= held  # thread inside it, though not reported


def test_what_may_hide_a_literal():
    assert literals._may_hide(b"dummy_threading", b"thread")  # inside it
    assert literals._may_hide(b"currentThread", b"dummy_threading")  # "...Threadummy_threading"
    assert literals._may_hide(b"etName", b"etNameX") and literals._may_hide(b"etNameX", b"etName")  # one start
    assert not literals._may_hide(b"isAlive", b"RLock")
    assert literals._may_hide(b"thread", b"dummy_threading")  # "threadummy_threading"
    assert not literals._may_hide(b"RLock", b"isAlive")


def test_a_file_holding_one_literal_is_not_scanned_for_the_others(monkeypatch):
    accelerated()
    scans = []
    real = Matcher.search

    def spy(self, data, holds_literal=None):
        scans.append(holds_literal)
        return real(self, data, holds_literal)

    monkeypatch.setattr(Matcher, "search", spy)
    assert Prefilter(CODES).search(b"if worker.isAlive():\n    pass\n")
    assert scans and None not in scans  # every literal answered by the one pass


def test_without_the_package_there_is_no_one_pass_test(without_accelerator):
    assert literals.any_of(frozenset({b"thread"})) is None
    has = Prefilter(CODES).presence(b"x = 1\n")  # not None: unsure, each literal is scanned
    assert has is not None and not has(b"thread") and has(b"x =")


def test_the_screening_answers_alike_with_or_without_the_one_pass_test(tmp_path, either_path):
    assert_screens_as_each_trigger(tmp_path, [*TEXTS, b"from threading import *\n"])


def test_a_file_holding_no_literal_is_never_scanned_literal_by_literal(tmp_path, monkeypatch):
    """The point of the one pass: the triggers' own scans are spared for such a file."""
    accelerated()
    asked = []
    real = Matcher.search

    def spy(self, data, holds_literal=None):
        asked.append(self.literal)
        return real(self, data, holds_literal)

    monkeypatch.setattr(Matcher, "search", spy)
    path = tmp_path / "plain.py"
    path.write_bytes(b"def f(x):\n    return x + 1\n")
    pattern = Prefilter(CODES)
    assert _screen((path, False), pattern) == (None, None)
    assert not pattern.search(path.read_bytes())
    assert asked == []
    path.write_bytes(b"t.isAlive()\n")  # a file holding one is asked as before
    assert _screen((path, False), pattern)[0] is not None
    assert asked


def test_the_outside_scan_reads_only_the_files_holding_an_attribute(tmp_path, monkeypatch):
    accelerated()
    looked = []
    real = tree_module.outside_assignments

    def spy(data, attrs):
        looked.append(data)
        return real(data, attrs)

    monkeypatch.setattr(tree_module, "outside_assignments", spy)
    tree_module._attribute_screens.cache_clear()
    plain = tmp_path / "plain.py"
    plain.write_bytes(b"x = 1\n")
    assigning = tmp_path / "assigning.py"
    assigning.write_bytes(b"worker._thread = Fake()\n")
    asked = []
    real_found = literals.AnyOf.found

    def found(self, data):
        asked.append(self.literals)
        return real_found(self, data)

    monkeypatch.setattr(literals.AnyOf, "found", found)
    attrs = frozenset({"_thread", "_lock"})
    assert outside_in(plain, attrs) == set()
    assert outside_in(assigning, attrs) == {"_thread"}
    assert looked == [assigning.read_bytes()]
    # one pass per attribute (one automaton over several names measured slower than their scans)
    assert sorted(asked) == [(b"_lock",), (b"_lock",), (b"_thread",), (b"_thread",)]


def test_the_outside_scan_answers_alike_with_or_without_the_one_pass_test(tmp_path, either_path):
    texts = [
        b"x = 1\n",
        b"worker._thread = Fake()\n",
        b"setattr(w, '_lock', None)\nsetattr(w, '_lock', L())\n",
        b"self._thread = threading.Thread()\n",
        b"f(_lock=1, _thread=None)\n",
    ]
    attrs = frozenset({"_thread", "_lock", "mutex"})
    for i, data in enumerate(texts):
        path = tmp_path / f"o{i}.py"
        path.write_bytes(data)
        assert outside_in(path, attrs) == outside_assignments(data, attrs), data


def test_a_prefilter_still_pickles(tmp_path):
    """fix's process pool sends its functions, the prefilter with them, to its workers."""
    import pickle

    pattern = Prefilter(CODES)
    pattern.presence(b"x = 1\n")
    again = pickle.loads(pickle.dumps(pattern))
    assert again.search(b"t.isAlive()\n") and not again.search(b"x = 1\n")
    assert files_module.prefilter(CODES).literals == pattern.literals


def test_a_large_text_is_searched_in_overlapping_pieces(monkeypatch):
    """Each search returns all its matches at once: a large file goes piece by piece, and an
    occurrence across a cut is still found (pieces of 16 bytes here, for texts of a few)."""
    accelerated()
    import random

    words = frozenset(every_literal())
    test = literals.any_of(words)
    chunks = [b"x", b" ", b"\n", *sorted(words), b"Threadummy_", b"isSetName"]
    rng = random.Random(13)
    texts = [b"".join(rng.choice(chunks) for _ in range(rng.randrange(1, 40))) for _ in range(400)]
    texts += [b" " * 15 + b"currentThread", b" " * 10 + b"isAlive" + b" " * 20, b"thread" * 50]
    whole = {text: (test.found(text), test.presence(text)) for text in texts}
    monkeypatch.setattr(literals, "PIECE", 16)
    for text in texts:
        found, (held, absent) = test.found(text), test.presence(text)
        assert found == any(word in text for word in words), text
        assert all(word in text for word in held) and not any(word in text for word in absent), text
        if len(text) <= 16:
            assert (found, (held, absent)) == whole[text]
