"""Parse a file as Python 3, else as Python 2 (through py2shim), else say why neither works."""

from __future__ import annotations

import ast
import warnings

from threadport.errors import ThreadportError
from threadport.fixer import chunks
from threadport.lazyre import lazy_compile
from threadport.records import Record

TYPE_CHECKING = False  # typing's, without importing typing: tokenize-rt only where tokens are made (engine.py)
if TYPE_CHECKING:
    from tokenize_rt import Token

    from threadport.fixer.py2shim import Shim


class ParseFailure(ThreadportError):
    """Neither grammar accepts the file; the message says where and why."""


class Parsed(Record):
    __slots__ = ("tree", "python2", "shim", "tokens")

    def __init__(self, tree: ast.Module, python2: bool, shim: Shim | None, tokens: list[Token] | None) -> None:
        self.tree = tree
        self.python2 = python2
        self.shim = shim  # how positions map back, for Python 2 files
        self.tokens = tokens  # tokenize-rt's, made on demand (only fixing needs them)


def _ast(text: str) -> ast.Module:
    with warnings.catch_warnings():  # invalid escapes etc. are the file's business, not ours
        warnings.simplefilter("ignore")
        if len(text) > chunks.PIECE * chunks.WHOLE_PIECES:  # a large file: half the peak memory, same tree
            try:
                return chunks.parse_in_pieces(text, ast.parse)
            except chunks.Uncut:
                pass  # parsed whole below: its error, word for word
        return ast.parse(text)


def _python2_parses(text: str) -> str | None:
    """None when lib2to3's Python 2 grammar (fissix) accepts ``text``, else its complaint."""
    parsed = _python2_tree(text)
    return parsed if isinstance(parsed, str) else None


def _python2_tree(text: str):
    """fissix's tree of ``text`` in lib2to3's Python 2 grammar, or its complaint (a str)."""
    import tokenize  # here, as fissix: a Python 3 file never needs it (a start-up cost of check FILE)

    from fissix import pygram, pytree
    from fissix.pgen2 import driver, parse
    from fissix.pgen2 import tokenize as pgen_tokenize  # its own TokenError, not the stdlib's

    grammar = pygram.python_grammar  # print and exec statements
    try:
        return driver.Driver(grammar, convert=pytree.convert).parse_string(text if text.endswith("\n") else text + "\n")
    except parse.ParseError as error:
        return f"line {error.context[1][0]}: bad input {error.value!r}"
    except (tokenize.TokenError, pgen_tokenize.TokenError, IndentationError, SyntaxError) as error:
        return str(error)


# What Python 3.9+'s tokenizer says past 200 nested brackets. python2.7 gives up sooner:
# its parser stack overflows at 99 nested parentheses ("s_push: parser stack overflow",
# then MemoryError; checked with python2.7.18), so such a file is neither language.
_TOO_MANY_BRACKETS = "too many nested parentheses"


def _hide_string_crs(text: str) -> str:
    """``text`` with each lone CR inside a string literal made a space (same length).

    ast splits lines on a lone CR but tokenize does not, so positions would disagree; a CR
    inside a string changes no position the rules use and no shape they look at. A lone
    CR anywhere else (classic Mac OS line ends) is refused.
    """
    if "\r" not in text.replace("\r\n", ""):
        return text
    from tokenize_rt import src_to_tokens

    try:
        tokens = src_to_tokens(text)
    except Exception:  # noqa: BLE001 - tokenize's own errors vary by version
        raise ParseFailure("lone CR line ends (classic Mac OS) are not supported") from None
    pieces = []
    for token in tokens:
        if token.name == "STRING":
            pieces.append(_LONE_CR.sub(" ", token.src))
        elif _LONE_CR.search(token.src):
            raise ParseFailure("lone CR line ends (classic Mac OS) are not supported")
        else:
            pieces.append(token.src)
    return "".join(pieces)


_LONE_CR = lazy_compile(r"\r(?!\n)")


def parse(text: str) -> Parsed:
    text = _hide_string_crs(text)
    shimmed = None
    if _looks_like_python2(text):
        # Python 2 at first sight: shimmed first, and when the shim finds what no Python 3
        # accepts, parsed as Python 2 without the Python 3 attempt, which fails at a parse's
        # cost (its second pass finds where). Whatever else happens, the usual order below.
        from threadport.fixer.py2shim import shim

        try:
            shimmed = shim(text)
        except Exception:  # noqa: BLE001 - below, shim() raises it again where it is reported
            shimmed = None
        if shimmed is not None and shimmed.python2_only:
            parsed = _parse_shimmed(shimmed)
            if parsed is not None:
                return parsed
    try:
        return Parsed(_ast(text), False, None, None)
    except (SyntaxError, ValueError) as error:
        # Kept for its message only. With its traceback, it and this frame (and through it the
        # callers', the analysis of a whole Python 2 file) would form a cycle that only the
        # cycle collector frees.
        python3_error = error.with_traceback(None)
    except (RecursionError, MemoryError) as error:
        # 3.12+: "Parser stack overflowed - Python source too complex to parse"; earlier
        # versions raise a bare MemoryError or RecursionError for the same input.
        raise ParseFailure(_too_deep(error)) from None
    _refuse_deep_brackets(python3_error)
    import tokenize  # here, as the shim: a Python 3 file never needs it

    from threadport.fixer.py2shim import shim  # here: most files are Python 3 (its regexes cost)

    try:
        result = shimmed if shimmed is not None else shim(text)
    except (tokenize.TokenError, SyntaxError) as error:
        raise ParseFailure(_describe(python3_error, str(error))) from None
    try:
        outcome = _parse_shim(result)
    except (RecursionError, MemoryError) as error:
        raise ParseFailure(_too_deep(error)) from None
    if isinstance(outcome, Parsed):
        return outcome
    shim_error = outcome
    _refuse_deep_brackets(shim_error)
    complaint = _python2_parses(text)
    if complaint is None:
        raise ParseFailure(
            "Python 2 grammar accepts it, but threadport cannot analyze it yet"
            f" ({_where(shim_error)}); please report it"
        )
    raise ParseFailure(_describe(python3_error, complaint))


# A Python 2 statement first on its line: ``print x``, ``exec code``, ``raise E, v``,
# ``except E, e:``. Only a hint (the shim decides, Shim.python2_only), looked for with
# str.find: a regex over the whole file cost more than the parse it saves.
_PYTHON2_AFTER = {
    "print": lazy_compile(r"[ \t]+[\w'\"]"),
    "exec": lazy_compile(r"[ \t]+[\w'\"]"),
    "raise": lazy_compile(r"[ \t]+[\w.]+[ \t]*,"),
    "except": lazy_compile(r"[ \t]+[\w.]+[ \t]*,"),
}


def _looks_like_python2(text: str) -> bool:
    for word, after in _PYTHON2_AFTER.items():
        at = text.find(word)
        while at >= 0:
            line = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
            if not text[line:at].strip(" \t\f") and after.match(text, at + len(word)):
                return True
            at = text.find(word, at + len(word))
    return False


def _parse_shimmed(result: Shim) -> Parsed | None:
    """The Python 2 parse of parse()'s usual order, for a text that cannot be Python 3; None
    if it does not succeed at once (parse() then takes its usual order, and says why)."""
    try:
        parsed = _parse_shim(result)
    except (RecursionError, MemoryError):
        return None
    return parsed if isinstance(parsed, Parsed) else None


def _parse_shim(result: Shim) -> Parsed | SyntaxError | ValueError:
    """The shim's text parsed, its tabs expanded as 2.7 reads them when Python 3 finds them
    inconsistent; else the parse's error, kept for its message only (as parse()'s
    python3_error). RecursionError and MemoryError go to the caller."""
    from threadport.fixer.py2shim import expand_tabs

    for attempt in (result, None):
        if attempt is None:
            result = expand_tabs(result)
        try:
            return Parsed(_ast(result.text), True, result, None)
        except TabError as error:
            tab_error = error.with_traceback(None)
        except (SyntaxError, ValueError) as error:
            return error.with_traceback(None)
    return tab_error


def _refuse_deep_brackets(error: Exception) -> None:
    """Neither language takes it, though lib2to3's grammar (no depth limit) would."""
    if isinstance(error, SyntaxError) and error.msg == _TOO_MANY_BRACKETS:
        raise ParseFailure(
            f"too deeply nested: line {error.lineno}: more than 200 nested brackets"
            " (Python 3: too many nested parentheses; python2.7's parser gives up even sooner)"
        )


def _too_deep(error: BaseException) -> str:
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"too deeply nested: Python's parser gives up ({detail})"


def _where(error: Exception) -> str:
    if isinstance(error, SyntaxError) and error.lineno:
        return f"line {error.lineno}: {error.msg}"
    return str(error)


def _describe(python3_error: Exception, python2_complaint: str) -> str:
    return f"syntax error in both grammars: Python 3: {_where(python3_error)}; Python 2: {python2_complaint}"
