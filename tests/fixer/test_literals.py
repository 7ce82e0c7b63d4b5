"""The one-pass literal tests (fixer.literals: ahocorasick-rs's, and Marked's regex without it)
answer as a scan per literal would, and the prefilter and the tree facts ask them before
scanning literal by literal."""

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
    clear_caches()
    yield
    clear_caches()


def clear_caches() -> None:
    literals.any_of.cache_clear()
    literals.one_pass.cache_clear()
    tree_module._attribute_screens.cache_clear()


@pytest.fixture(params=["one pass", "marked, literal by literal"])
def either_path(request, monkeypatch):
    """Each test twice: with ahocorasick-rs's one pass, and as without it (the prefilter's
    literals by Marked's regex, the tree facts' attributes one by one)."""
    if request.param == "one pass":
        accelerated()
    else:
        monkeypatch.setattr(literals, "_accelerator", lambda: None)
    clear_caches()
    yield
    clear_caches()


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


def test_a_file_holding_one_literal_is_not_scanned_for_the_others(monkeypatch, either_path):
    scans = []
    real = Matcher.search

    def spy(self, data, holds_literal=None):
        scans.append(holds_literal)
        return real(self, data, holds_literal)

    monkeypatch.setattr(Matcher, "search", spy)
    assert Prefilter(CODES).search(b"if worker.isAlive():\n    pass\n")
    assert scans and None not in scans  # every literal answered by the one pass


def test_without_the_package_the_prefilter_asks_the_marked_search(without_accelerator):
    assert literals.any_of(frozenset({b"thread"})) is None
    pattern = Prefilter(CODES)
    assert isinstance(literals.one_pass(pattern.literals), literals.Marked)
    assert pattern.presence(b"x = 1\n") is None  # certainly none of them
    has = pattern.presence(b"if t.isAlive():\n")
    assert has is not None and has(b"isAlive") and not has(b"thread") and has(b"if t")  # (unknown: scanned)


# Texts for Marked beyond TEXTS: bytes its copy merges (each anchor byte becomes one marker,
# a real marker byte becomes 0), so that a match there holds no literal; anchors at the very
# start and end; a literal right after a false match.
MARKED_TEXTS = [
    *TEXTS,
    b"\x00C\x00NLock",  # RLock's regex matches "NLock": N and R are both anchors
    b"\x01\x01\x01\x00",
    b"isSet\x01isSet",
    b"qacquire",
    b"isNameisSet",
    b"h",
    b"threa",
    b"ac\x01uire acDuire",
]


def test_the_marked_search_answers_as_a_scan_per_literal(without_accelerator):
    words = sorted(every_literal())
    for chosen in [frozenset(words), *(frozenset({word}) for word in words), frozenset(words[::3])]:
        test = literals.one_pass(chosen)
        assert isinstance(test, literals.Marked)
        for text in MARKED_TEXTS:
            held, absent = test.presence(text)
            holds = {word for word in chosen if word in text}
            assert held == holds and absent == chosen - holds, (sorted(chosen), text)  # nothing unknown here
            assert test.found(text) == bool(holds), (sorted(chosen), text)


def test_the_marked_search_never_calls_absent_a_literal_a_match_may_hide():
    """An occurrence whose anchor lies inside another literal's match is not reported (the
    search goes on after the match): "Jaz" (anchor J) covers the anchor of "zQ" (z) in "JazQ"."""
    test = literals.Marked((b"Jaz", b"zQ"))
    assert literals._anchors(test.literals) == {b"Jaz": 0, b"zQ": 0}
    held, absent = test.presence(b"JazQ")
    assert held == {b"Jaz"} and absent == set()  # zQ: unknown, so scanned
    assert test.found(b"JazQ") and test.presence(b"zQ Ja") == ({b"zQ"}, {b"Jaz"})


def test_marked_anchors_are_rare_bytes_shared_where_they_can_be():
    anchors = literals._anchors((b"acquire", b"thread", b"currentThread", b"isSet"))
    # q: the rarest of acquire's; currentThread takes thread's h rather than a T of its own
    assert anchors == {b"acquire": 2, b"thread": 1, b"currentThread": 8, b"isSet": 2}


def test_the_screening_answers_alike_with_or_without_the_one_pass_test(tmp_path, either_path):
    assert_screens_as_each_trigger(tmp_path, [*TEXTS, b"from threading import *\n"])


def test_a_file_holding_no_literal_is_never_scanned_literal_by_literal(tmp_path, monkeypatch, either_path):
    """The point of the one pass: the triggers' own scans are spared for such a file."""
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
