"""result_text.read_plain: the child's result file read without the compiler, exactly as
ast.literal_eval reads it, or not at all (None: runner.read_literal reads it then)."""

from __future__ import annotations

import ast
import random
import subprocess
import sys

import pytest

from threadport.result_text import read_plain

CHARACTERS = "ab '\"\\\n\r\t\x00\x07\x7f\xe9\u20ac\ud800\U0001f600{}:,uN0-e."


def same(a: object, b: object) -> bool:
    """Equal, and of the same types throughout (0.0 and -0.0 apart, 1 and 1.0 and True apart)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    return repr(a) == repr(b)


def a_result(chance: random.Random) -> dict:
    def text() -> str:
        return "".join(chance.choice(CHARACTERS) for _ in range(chance.randrange(12)))

    def number() -> float | int:
        return chance.choice(
            [0.0, -0.0, 1e-05, 2.5, 1e16, 1.5e300, -7.25, 5e-324, chance.random() * 10 ** chance.randrange(-30, 30),
             0, 7, -12, 10**20, chance.randrange(-(10**6), 10**6)]
        )  # fmt: skip

    exception = chance.choice([None, {"type": text(), "message": text()}])
    result = {"python": text(), "exception": exception, "deadlock": chance.random() < 0.5}
    result["virtual_seconds"] = chance.choice([None, number()])
    if chance.random() < 0.3:
        result[text()] = chance.choice([True, False, None, text(), number(), {}])
    return result


def written(result: dict) -> str:
    """What clock/driver.py _write_result writes on Python 3: repr, ASCII with escapes."""
    return repr(result).encode("ascii", "backslashreplace").decode("ascii")


def test_what_a_python_3_child_writes_is_read_as_literal_eval_reads_it():
    chance = random.Random(13)
    for _ in range(3000):
        text = written(a_result(chance))
        assert same(read_plain(text), ast.literal_eval(text)), text


PYTHON2_RESULTS = r"""
import random
chance = random.Random(13)
characters = u"ab '\"\\\n\r\t\x00\x07\x7f\xe9\u20ac\U0001f600{}:,uN0-e."
def text():
    value = u"".join(chance.choice(characters) for _ in range(chance.randrange(12)))
    return value if chance.random() < 0.5 else value.encode("utf-8")  # unicode, or a byte string
for _ in range(2000):
    exception = chance.choice([None, {"type": text(), "message": text()}])
    result = {"python": "2.7.18", "exception": exception, "deadlock": chance.random() < 0.5,
              "virtual_seconds": chance.choice([None, 0.0, 1e-05, 2.5, chance.random() * 1000, 3])}
    print(repr(result))
"""


def test_what_a_python_2_child_writes_is_read_as_literal_eval_reads_it(legacy_python):
    # 2.7's repr: u'' strings, byte strings with \x escapes, its own key order.
    texts = subprocess.run([legacy_python, "-c", PYTHON2_RESULTS], capture_output=True, text=True, check=True)
    lines = texts.stdout.splitlines()
    assert len(lines) == 2000
    for text in lines:
        assert same(read_plain(text), ast.literal_eval(text)), text


def test_any_other_text_is_read_as_literal_eval_reads_it_or_left_to_the_compiler():
    # A run can rewrite its result file: whatever read_plain accepts, literal_eval reads the same.
    chance = random.Random(7)
    accepted = 0
    for _ in range(6000):
        text = list(written(a_result(chance)))
        for _ in range(chance.randrange(1, 4)):  # a few characters changed, dropped or added
            at = chance.randrange(len(text))
            edit = chance.randrange(3)
            if edit == 0:
                text[at] = chance.choice(CHARACTERS + "xU\\123456789LjbB")
            elif edit == 1:
                del text[at]
            else:
                text.insert(at, chance.choice(CHARACTERS + "xU\\123456789LjbB"))
        text = "".join(text)
        plain = read_plain(text)
        if plain is None:
            continue
        accepted += 1
        assert same(plain, ast.literal_eval(text)), text
    assert accepted > 500  # the edits left many texts in the plain form (a string's content, a number)


@pytest.mark.parametrize(
    "text",
    [
        "{'a': 01}", "{'a': 1.}", "{'a': .5}", "{'a': 1e5}", "{'a': 5L}", "{'a': inf}", "{'a': nan}",
        "{'a': '\\q'}", "{'a': '\\N{DIGIT ONE}'}", "{'a': '\\101'}", "{'a': '\\xE9'}", "{'a': b''}",
        "{'a':1}", "{'a' : 1}", "{'a': 1,}", " {'a': 1}", "{'a': 1} ", "{1: 2}", "['a']", "{'a': [1]}",
        "{'a': 'é'}", "{'a': '\\U00110000'}", "{'a': True or False}", "{'a': -True}", "{'a': --1}",
    ],
)  # fmt: skip
def test_forms_the_child_never_writes_are_left_to_the_compiler(text):
    assert read_plain(text) is None


def test_a_string_is_read_a_run_of_characters_at_a_time():
    # compare reads a result per run: one character at a time, the repr of a small dict cost
    # its process about 116 K instructions. Counted in calls made (sys.setprofile), not timed:
    # a message of a thousand plain characters takes no more than one of a single character.
    def calls(text: str) -> int:
        made = []
        sys.setprofile(lambda frame, event, arg: made.append(event))
        try:
            assert read_plain(text) == ast.literal_eval(text)
        finally:
            sys.setprofile(None)
        return len(made)

    def result(message: str) -> str:
        return written({"python": "3.11.7", "exception": {"type": "ValueError", "message": message}})

    assert calls(result("x" * 1000)) == calls(result("x"))
    assert calls(result("a\\tb" * 100)) > calls(result("a\\tb"))  # an escape is read on its own


def test_the_childs_usual_result_is_read_whole_without_the_character_parser(monkeypatch):
    # A dict of plain values (no exception's dict, no escape): one match of the whole and one
    # per item, where the parser's calls a value cost compare 60-75 K instructions a run.
    import threadport.result_text as result_text

    usual = [
        "{'python': '3.11.7', 'exception': None, 'deadlock': False, 'virtual_seconds': 0.0}",
        "{'python': '3.13.0t', 'exception': None, 'deadlock': True, 'virtual_seconds': 16.000000001}",
        "{'deadlock': False, 'python': '2.7.18', 'exception': None, 'virtual_seconds': None}",
        "{u'python': u'', 'n': -12, 'e': 1e-05, 'big': 1.5e+300, 'zero': -0.0}",
    ]

    def parser(*args):
        raise AssertionError("the character parser was called")

    expected = [ast.literal_eval(text) for text in usual]
    monkeypatch.setattr(result_text, "_value", parser)
    assert [read_plain(text) for text in usual] == expected
    assert all(same(read_plain(text), value) for text, value in zip(usual, expected))


def test_every_text_read_whole_is_read_as_literal_eval_reads_it():
    # The whole-text match takes only forms the parser reads the same way: every result and
    # every edited one it takes agrees with literal_eval, and it takes many.
    import threadport.result_text as result_text

    chance = random.Random(21)
    taken = 0
    for _ in range(6000):
        result = a_result(chance)
        if chance.random() < 0.5:
            result["exception"] = None
        text = list(written(result))
        for _ in range(chance.randrange(0, 3)):
            at = chance.randrange(len(text))
            text[at : at + chance.randrange(2)] = chance.choice(CHARACTERS + "xU\\\\123456789LjbB")
        text = "".join(text)
        if result_text.read_flat(text) is None:
            continue
        taken += 1
        assert same(read_plain(text), ast.literal_eval(text)), text
    assert taken > 200  # (most random texts hold a quote, an escape or a dict: the parser reads them)
