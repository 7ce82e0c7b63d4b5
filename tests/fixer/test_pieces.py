"""A large file is parsed (and rewritten) in pieces of top-level statements (chunks.py): the
findings and the fixed text must be exactly those of the whole file at once.

Forcing a tiny piece size makes every fixture, legacy and modern file and every snippet of
the rule tables go through the pieces, cut at nearly every top-level statement.
"""

from __future__ import annotations

import ast
import pickle
import warnings
from pathlib import Path

import pytest

from threadport.fixer import chunks, engine, rules
from threadport.fixer.engine import analyze, fix_analyzed, fix_text
from threadport.fixer.parsing import ParseFailure, parse

ROOT = Path(__file__).resolve().parents[2]
WHOLE = 1 << 40  # a piece size no text reaches: parsed whole, as before pieces existed


# The analysis's shapes that only the test modules' own code held (scopes.py: a starred
# target, a comprehension's later generators, a dict comprehension, a ** in a dict display),
# since the test modules are no longer read whole (see _files). _snippets() finds it.
SCOPE_SHAPES = """
import threading
def gather(rows, defaults):
    first, *rest = rows
    flat = [cell for row in rest for cell in row if cell]
    names = {str(key): value for key, value in first}
    return {**defaults, "t": threading.current_thread()}, flat, names
"""


def _files() -> list[Path]:
    """The showcase's files and the fixtures: real modules, large ones among them. Not the test
    modules of tests/fixer (248 KB, a third of this file's CPU in every env, and more with
    every test added): their code reached nothing in the pieces, the analysis or the rewrite
    that these texts, the rule tables' snippets and SCOPE_SHAPES do not (coverage's lines
    and branches of src/threadport with and without them), and their snippets stay."""
    found = []
    for folder in ("tests/fixtures", "legacy", "modern"):
        found.extend(sorted((ROOT / folder).rglob("*.py")))
    return found


def _snippets() -> list[str]:
    """The multi-line string constants of the rule tables (their sources and expected texts)."""
    texts = []
    for path in sorted((ROOT / "tests/fixer").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.count("\n") > 1:
                texts.append(node.value)
    return texts


def _texts() -> list[str]:
    """Each text once: a snippet repeated in the tables (5% of them) gives the same outcomes."""
    return list(dict.fromkeys([path.read_text(encoding="utf-8") for path in _files()] + _snippets()))


def _fingerprint(parsed) -> tuple[bool, bytes]:
    """The parse's Python 2 flag and its whole tree: pickle's bytes hold every field and
    position of every node (all that ast.dump(include_attributes=True) shows, and any other
    attribute a parse sets), made in C: a third of the CPU of ast.dump's walk in Python."""
    return parsed.python2, pickle.dumps(parsed.tree, protocol=4)


def _readable(tree: object) -> object:
    """A fingerprint as ast.dump shows the tree, for the message of a failed comparison."""
    if isinstance(tree, tuple):
        return tree[0], ast.dump(pickle.loads(tree[1]), include_attributes=True, indent=1)
    return tree


def _tree(text: str) -> object:
    try:
        return _fingerprint(parse(text))
    except ParseFailure as error:
        return f"ParseFailure: {error}"


def _fix_rows(new: str, fixed: list, left: list) -> object:
    return new, [(f.code, f.line, f.col) for f in fixed], [(f.code, f.line, f.col, f.message) for f in left]


def _findings_and_fixed(text: str) -> tuple[object, object, object]:
    """analyze's findings, what fix makes of the text, and what fix --aggressive makes of it
    where that needs no analysis of its own (else None). fix_text is analyze, then
    fix_analyzed on that answer, so the one analysis serves the fix (the findings are read
    before the fix takes them over), instead of analysing the text again for it.

    The aggressive fix analyses the text again (fix_analyzed takes the analysis over), but
    two cases of it are that analysis made once more, the same call on the same text: a text
    that does not parse fails the same way; and where no finding fixes anything,
    fix_analyzed's loop ends before its first apply(), aggressive or not, giving the text and
    the findings as they are (three texts in four here)."""
    try:
        context, found = analyze(text, rules())
    except ParseFailure as error:
        return f"ParseFailure: {error}", f"ParseFailure: {error}", f"ParseFailure: {error}"
    rows = [(f.code, f.line, f.col, f.message, f.possible, f.fixable, f.aggressive, f.needs, f.compat) for f in found]
    fixes = any(f.fixes for f in found)
    fixed = _fix_rows(*fix_analyzed(text, context, found, rules(), False))
    return rows, fixed, None if fixes else fixed


def _fixed(text: str, aggressive: bool) -> object:
    try:
        return _fix_rows(*fix_text(text, rules(), aggressive))
    except ParseFailure as error:
        return f"ParseFailure: {error}"


def _outcomes(texts: list[str], monkeypatch: pytest.MonkeyPatch, piece: int) -> list[object]:
    monkeypatch.setattr(chunks, "PIECE", piece)
    monkeypatch.setattr(engine, "EDIT_PIECE", piece)  # the rewrite's pieces too
    # The tree is taken from the analysis's own parse, as it leaves parse() (before any rule
    # sees it), instead of parsing the text once more for it alone.
    real_parse, trees = engine.parse, {}

    def parse_and_keep(text: str):
        try:
            parsed = real_parse(text)
        except ParseFailure as error:
            trees.setdefault(text, f"ParseFailure: {error}")
            raise
        trees.setdefault(text, _fingerprint(parsed))
        return parsed

    monkeypatch.setattr(engine, "parse", parse_and_keep)
    outcomes = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in texts:
            trees.clear()
            findings, fixed, aggressive = _findings_and_fixed(text)  # its first parse is of ``text``
            outcomes.append((trees[text], findings, fixed, _fixed(text, True) if aggressive is None else aggressive))
    monkeypatch.setattr(engine, "parse", real_parse)
    return outcomes


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """_texts(), read once for the module's tests (the snippets come from parsing every rule test)."""
    return _texts()


@pytest.fixture(scope="module")
def whole_outcomes(texts: list[str]) -> tuple[list[str], list[object]]:
    """The texts and what each gives parsed whole: computed once, both tests compare with it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return texts, _outcomes(texts, monkeypatch, WHOLE)


def test_pieces_give_the_whole_file_findings_and_rewrite(
    monkeypatch: pytest.MonkeyPatch, whole_outcomes: tuple[list[str], list[object]]
) -> None:
    texts, whole = whole_outcomes
    assert len(texts) > 100  # the rule tables' snippets are found
    calls = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda source, *a, **k: calls.append(len(source)) or real_parse(source, *a, **k))
    pieces = _outcomes(texts, monkeypatch, 1)  # a cut before every top-level statement that allows one
    # The pieces were used: many more parses than texts (else this compares whole with whole).
    assert len(calls) > 4 * len(texts)
    for text, expected, got in zip(texts, whole, pieces):
        if got != expected:
            assert (_readable(got[0]), *got[1:]) == (_readable(expected[0]), *expected[1:]), text[:200]


def test_pieces_of_some_size_give_the_whole_tree(
    monkeypatch: pytest.MonkeyPatch, whole_outcomes: tuple[list[str], list[object]]
) -> None:
    """Pieces of several statements, joined where a cut fell inside a docstring."""
    texts, whole = whole_outcomes
    monkeypatch.setattr(chunks, "PIECE", 80)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text, outcome in zip(texts, whole):
            tree = _tree(text)
            if tree != outcome[0]:
                assert _readable(tree) == _readable(outcome[0]), text[:200]


def test_a_cut_inside_a_string_or_brackets_joins_the_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'x = """\ndef inside():\n  pass\n"""\ny = (\n1,\nz)\n@d\ndef f():\n  pass\nclass C:\n  pass\n'
    monkeypatch.setattr(chunks, "PIECE", 1)
    assert len(chunks.cuts(text, 1)) > 4  # cuts inside the string, the brackets, after the decorator
    tree = chunks.parse_in_pieces(text, ast.parse)
    assert ast.dump(tree, include_attributes=True) == ast.dump(ast.parse(text), include_attributes=True)


def test_a_piece_that_never_parses_gives_up_on_pieces() -> None:
    text = "x = 1\n" * 10 + "print 'python 2'\n" + "y = 2\n" * 10
    with pytest.raises(chunks.Uncut):
        chunks.parse_in_pieces(text, ast.parse, 1)
    # and parse() then parses it whole: a Python 2 file, through the shim, as always
    assert parse(text).python2 is True


def test_fix_of_one_file_parses_it_twice_not_three_times(tmp_path, monkeypatch, capsys) -> None:
    """The rewrite and the check of the rewrite; no first pass to learn what the other files
    say, as there are none (the facts never count the file itself)."""
    from threadport.cli import main
    from threadport.fixer import parsing

    path = tmp_path / "app.py"
    path.write_text("import threading\nt = threading.Thread()\nprint(t.isAlive())\n")
    parsed = []
    real = parsing.parse
    monkeypatch.setattr(parsing, "parse", lambda text: parsed.append(text) or real(text))
    monkeypatch.setattr("threadport.fixer.engine.parse", parsing.parse)
    assert main(["fix", str(path)]) == 1
    assert path.read_text() == "import threading\nt = threading.Thread()\nprint(t.is_alive())\n"
    assert len(parsed) == 2
    assert "Rewrote" in capsys.readouterr().out


def test_the_edits_of_one_finding_stay_in_one_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    """TP010's edit reads from the acquire to the finally, through several top-level
    statements: the text is only cut between defs and classes."""
    text = (
        "import threading\nlock = threading.Lock()\nlock.acquire()\ntry:\n    print(1)\nfinally:\n    lock.release()\n"
        "def f():\n    lock.acquire()\n    try:\n        pass\n    finally:\n        lock.release()\n"
        "@decorated\nclass C(threading.Thread):\n    def run(self):\n        print(self.isAlive())\n"
    )
    monkeypatch.setattr(engine, "EDIT_PIECE", 1)
    edited = []  # the first line of each piece edited: the pieces are used, not the whole text
    real_edit = engine._edit
    monkeypatch.setattr(
        engine, "_edit", lambda tokens, *args: edited.append(tokens[0].line) or real_edit(tokens, *args)
    )
    new, fixed, _ = fix_text(text, rules())
    assert edited == [1, 14]  # module-level statements and f in one piece (f follows no def), then C
    assert new == (
        "import threading\nlock = threading.Lock()\nwith lock:\n    print(1)\n"
        "def f():\n    with lock:\n        pass\n"
        "@decorated\nclass C(threading.Thread):\n    def run(self):\n        print(self.is_alive())\n"
    )
    assert [f.code for f in fixed] == ["TP010", "TP010", "TP001"]


def test_a_text_of_a_few_pieces_is_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces cost CPU (every node after the first piece is moved): only a text of more than
    WHOLE_PIECES pieces' worth is cut, where the memory they save is worth it."""
    monkeypatch.setattr(chunks, "PIECE", 100)
    calls = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda source, *a, **k: calls.append(len(source)) or real_parse(source, *a, **k))
    statements = "".join(f"value_{n} = {n}\n" for n in range(200))
    small = statements[:350]
    small = small[: small.rindex("\n") + 1]
    assert len(small) > 3 * chunks.PIECE  # three cuts if it were cut
    parse(small)
    assert len(calls) == 1
    calls.clear()
    parse(statements)
    assert len(calls) > 1


def test_a_file_of_a_few_kilobytes_is_tokenized_only_where_it_is_edited(monkeypatch: pytest.MonkeyPatch) -> None:
    """Far below a parse's pieces (chunks.PIECE): tokenize-rt is pure Python, and a file with
    one rewrite was tokenized whole."""
    filler = "".join(f"    x{i} = {i}\n" for i in range(400))  # about 5 KB a def
    edited_def = f"def c():\n    t = threading.Thread()\n{filler}    t.setDaemon(True)\n"
    text = f"import threading\ndef a():\n{filler}def b():\n{filler}{edited_def}"
    assert engine.EDIT_PIECE < len(text) < chunks.PIECE
    edited = []  # the first line of each text tokenized for an edit
    real_edit = engine._edit
    monkeypatch.setattr(
        engine, "_edit", lambda tokens, *args: edited.append(tokens[0].line) or real_edit(tokens, *args)
    )
    new, fixed, _ = fix_text(text, rules(), aggressive=True)
    assert edited == [text.split("\n").index("def c():") + 1]  # c's piece alone
    assert new == text.replace("t.setDaemon(True)", "t.daemon = True") and [f.code for f in fixed] == ["TP009"]
    with pytest.MonkeyPatch.context() as whole:
        whole.setattr(engine, "EDIT_PIECE", len(text) + 1)
        assert fix_text(text, rules(), aggressive=True)[0] == new


def _library_texts() -> list[str]:
    """Modules of the running Python's library with large classes (what `fix` meets)."""
    import queue
    import threading

    return [Path(module.__file__).read_text(encoding="utf-8") for module in (threading, queue)]


def test_a_piece_has_the_whole_texts_tokens(texts: list[str]) -> None:
    """engine.piece_tokens over the text between two cuts (chunks.cut_lines: between defs and
    classes of the module and of a top-level class's body) gives the whole text's tokens on
    those lines, position for position, but for the empty DEDENTs the whole text has on the
    piece's first line (the piece's own DEDENTs and ENDMARKER fall on the next cut's line)."""
    from tokenize_rt import src_to_tokens

    in_class = 0  # cuts inside a class body: the pieces that start indented
    for text in [*texts, *_library_texts()]:
        if "class" not in text:  # the cuts between top-level defs: test_pieces_give_the_whole_file...
            continue
        try:
            lines = chunks.cut_lines(parse(text).tree, text)
            whole = src_to_tokens(text) if lines else []  # (no cut: the one piece is the whole text)
        except Exception:  # noqa: BLE001 - not Python 3, or not tokenizable whole: no pieces to compare
            continue
        starts = [0]
        for line in text.split("\n")[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        bounds = [*lines, len(starts)]
        for first, end in zip(bounds, bounds[1:]):
            in_class += text[starts[first - 1]] == " "
            piece = text[starts[first - 1] : starts[end - 1] if end <= len(starts) - 1 else len(text)]
            got = [t for t in engine.piece_tokens(piece, first) if t.line < end]
            expected = [t for t in whole if first <= t.line < end and not (t.line == first and t.name == "DEDENT")]
            assert got == expected, (first, piece[:120])
    assert in_class > 50
