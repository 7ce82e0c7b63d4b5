"""Let Python 3's own parser read Python 2 source, with every position kept.

Python 3's ast cannot parse ``print x`` or ``except E, e``, and lib2to3/fissix
parses Python 2 about a hundred times slower. But the rules here only need the
*shape* of the code (names, attributes, calls, assignments, classes, try/finally)
and exact positions, not the meaning of a print statement. So each Python-2-only
construct is replaced, token by token, by Python 3 text of exactly the same length:

  print x, y       -> yield x, y         (``print >>f, x`` -> ``yield   f, x``)
  exec code in ns  -> not  code in ns    (a comparison: still an expression)
  raise E, v, tb   -> yield E, v, tb
  except E, e:     -> except E. e:       (``except E, (a, b):`` -> ``except E  (a, b):``)
  '\\u' in a str    -> '_u'               (not an escape in a Python 2 byte string)
  `x`              -> (x)
  a <> b           -> a != b
  0777, 10L        -> 1777, 10           (the value is irrelevant to the rules)
  ur'x'            -> r' x'
  def f(a, (b, c)) -> def f(a, _b, c_)   (tuple parameters)
  async, await     -> _sync, _wait       (names in Python 2, keywords in 3.7+)
  False = 0        -> _alse = 0          (True and False are names in Python 2)

Lengths are kept in characters and in UTF-8 bytes (every replacement is ASCII for
ASCII), so ``ast`` line/col offsets index the *original* tokens, and edits are made
on the original text: a Python 2 file stays Python 2. Tabs that Python 2 read with
8-column stops and Python 3 refuses (TabError) are expanded in the indentation
only, and the column shift is recorded per line so positions can be mapped back.
"""

from __future__ import annotations

import keyword
import re
import sys
from itertools import compress
from operator import itemgetter, ne

from threadport.records import Record

# A token as the shim sees it: a plain tuple of its kind, its text and its absolute character
# offset, read by index (a namedtuple cost a call to make each of the file's tokens, and a
# property call to read one: the lexer's own work per token was 40% of _tokens, cachegrind).
Token = tuple
KIND, SRC, AT = 0, 1, 2
_SRC = itemgetter(SRC)  # a token's src, for map()


# A lexer for exactly what the shim needs (Python 2 and 3 share these token shapes):
# several times faster than the tokenize module, which the shim's speed depends on.
_STRING_BODY = (
    r"'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\r\n]|\\.)*'"
    r'|"(?:[^"\\\r\n]|\\.)*"'
)
# One match per kept token: the blanks, line continuations and comments before it (which the
# shim never edits) are skipped inside the same match, so no Python step is spent on them
# (at the end of the text only they are left: the empty ``\Z`` alternative ends the scan).
# Each group's number is its kind (_GROUP_KINDS).
_LEX = re.compile(
    r"(?:[ \t\f]+|\\\r?\n|#[^\r\n]*)*"
    r"(?:(?P<nl>\r?\n|\r)"
    r"|(?P<string>[bBuUrRfF]{0,2}(?:" + _STRING_BODY + r"))"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<number>0[xXoObB][0-9a-fA-F_]+[lL]?|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJlL]?)"
    r"|(?P<op><>|>>|<<|\*\*|//|->|[-+*/%&|^=<>!]=|.)"
    r"|\Z)",
    re.DOTALL,
)
_NL, _STRING, _NAME, _NUMBER, _OP = range(1, 6)
_GROUP_KINDS = (None, None, "STRING", "NAME", "NUMBER", "OP")
_STATEMENT_START = frozenset({"NEWLINE"})
_PY3_KEYWORDS = {"async": "_sync", "await": "_wait", "nonlocal": "_onlocal"}
_PY3_CONSTANTS = {"True": "_rue", "False": "_alse", "None": "_one"}
_OLD_OCTAL = re.compile(r"0[0-9]+[lL]?$")
_STRING_PREFIX = re.compile(r"([A-Za-z]*)(.*)$", re.DOTALL)
_PRINT_FUNCTION = re.compile(r"^[ \t]*from[ \t]+__future__[ \t]+import[ \t]*\(?[\w\s,\\]*?\bprint_function\b", re.M)
# In a Python 2 byte string \u, \U and \N are not escapes; in a Python 3 str they are.
_UNICODE_ESCAPE = re.compile(r"\\(?:\\|([uUN]))")
# Every name shim() may change or act on (each branch of its NAME chain names its words).
_SHIMMED_NAMES = frozenset(
    {"print", "exec", "raise", "except", "def", "lambda", "L", "l", *_PY3_KEYWORDS, *_PY3_CONSTANTS}
)
# The names _tokens() marks for shim(): those, and the Python 2 string prefix ``ur`` as a name
# (``src.lower() == "ur"``: no character but these four ASCII letters lowers to u or r).
_MARKED_NAMES = _SHIMMED_NAMES | {"ur", "uR", "Ur", "UR"}
# The operators shim() may change (its chain's last branches).
_SHIMMED_OPS = frozenset({"`", "<>", "<"})


class Shim(Record):
    __slots__ = ("text", "shifted", "python2_only")

    def __init__(
        self, text: str, shifted: dict[int, tuple[int, int]] | None = None, python2_only: bool = False
    ) -> None:
        self.text = text
        # line -> (indent width in the shim, extra columns) where leading tabs were expanded
        self.shifted = {} if shifted is None else shifted
        # the original text holds a token sequence no Python 3 accepts (see _NOT_PYTHON3): it
        # cannot parse as Python 3, so parsing.parse need not try (and fail, at a parse's cost)
        self.python2_only = python2_only

    def original_col(self, line: int, col: int) -> int:
        """Map a UTF-8 column of the shim back to the original line."""
        if line in self.shifted:
            width, extra = self.shifted[line]
            if col >= width:
                return col - extra
        return col


# What no Python 3 (3.0 to 3.13) accepts outside strings and comments, so a file holding it is
# not Python 3: ``print``/``exec`` right before a string, a number or a name that is no keyword
# (``print x``: two names in a row; ``print >>f, x`` and ``print if a else b`` are Python 3),
# a number with an L suffix or an old octal with a digit other than 0 (``10L``, ``0600``; ``00``
# is Python 3), a backtick, a comma at the top level of a ``raise`` statement (``raise E, v``),
# and one between ``except`` and its colon (``except E, e:``; Python 3.14 takes ``except A, B:``).
# Only where this lexer's tokens are Python's: never in a text holding an f-string, whose
# replacement fields (3.12+) may hold the quote that opened it.
_NOT_NAMES = frozenset(keyword.kwlist) | frozenset(getattr(keyword, "softkwlist", ()))
_OLD_OCTAL_NONZERO = re.compile(r"0[0-9]*[1-9][0-9]*[lL]?$")
_EXCEPT_COMMA_IS_PYTHON2 = sys.version_info < (3, 14)


def _adjacent(first: Token, second: Token) -> bool:
    return first[AT] + len(first[SRC]) == second[AT]


def _tokens(text: str) -> tuple[list[Token], list[int]]:
    """Significant tokens plus NEWLINE at the end of each logical line (comments, blank lines,
    continuation lines and whitespace are dropped: the shim never edits them); and the indexes
    of those shim() may have to look at (a superset: every number, the names it names, every
    string with a prefix or a backslash, and the operators it changes). Most tokens are none
    of these: shim() passes over them unseen. (shim()'s ``ur`` name never changes the string
    after it: an ``ur`` right before a quote is read as that string's prefix.)"""
    tokens: list[Token] = []
    candidates: list[int] = []
    append = tokens.append
    mark = candidates.append
    kinds = _GROUP_KINDS
    depth = 0
    after_newline = True  # nothing yet, or a NEWLINE last: no NEWLINE is added
    for match in _LEX.finditer(text):
        group = match.lastindex
        if group is None:
            break  # only blanks and comments were left
        src = match[group]
        if group == _NAME:
            if src in _MARKED_NAMES:
                mark(len(tokens))
        elif group == _OP:
            if src in "([{":
                depth += 1
            elif src in ")]}":
                if depth:
                    depth -= 1
            elif src in _SHIMMED_OPS:
                mark(len(tokens))
        elif group == _NL:
            if depth == 0 and not after_newline:
                append(("NEWLINE", src, match.start(group)))
                after_newline = True
            continue
        elif group == _NUMBER:
            mark(len(tokens))
        elif src[0] not in "'\"" or "\\" in src:  # a string with a prefix or a backslash
            mark(len(tokens))
        append((kinds[group], src, match.start(group)))
        after_newline = False
    return tokens, candidates


def _at_statement_start(tokens: list[Token], sig: list[int], k: int) -> bool:
    if k == 0:
        return True
    previous = tokens[sig[k - 1]]
    return previous[KIND] in _STATEMENT_START or previous[SRC] in (";", ":")


def _matching_close(tokens: list[Token], sig: list[int], k: int) -> int:
    """Index into ``sig`` of the bracket closing the one at ``sig[k]``."""
    depth = 0
    for j in range(k, len(sig)):
        src = tokens[sig[j]][SRC]
        if src in ("(", "[", "{"):
            depth += 1
        elif src in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return j
    return len(sig) - 1


def _tuple_parameters(tokens, sig, srcs, k, level):
    """Turn ``(b, c)`` parameters into ``_b, c_``, scanning from sig[k].

    ``level`` is the bracket depth of the parameters: 1 for ``def f(...)`` (k at the
    open paren), 0 for ``lambda ...:`` (which ends at its colon).
    """
    depth = 0
    j = k
    while j < len(sig):
        src = tokens[sig[j]][SRC]
        if depth == level and (src == ":" if level == 0 else src == ")"):
            return
        if src == "(" and depth == level and tokens[sig[j - 1]][SRC] in (",", "(", "lambda"):
            close = _matching_close(tokens, sig, j)
            for inner in range(j, close + 1):
                if tokens[sig[inner]][SRC] in ("(", ")"):
                    srcs[sig[inner]] = "_"
            j = close + 1
            continue
        if src in ("(", "[", "{"):
            depth += 1
        elif src in (")", "]", "}"):
            depth -= 1
            if depth < 0:
                return
        j += 1


def _string(src: str) -> str:
    prefix, rest = _STRING_PREFIX.match(src).groups()
    lowered = prefix.lower()
    if "u" in lowered and "r" in lowered:  # ur'' is Python 2 only
        quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
        return "r" + quote + " " + rest[len(quote) :]
    if not ({"u", "r", "b"} & set(lowered)) and "\\" in rest:
        return prefix + _UNICODE_ESCAPE.sub(lambda m: "_" + m.group(1) if m.group(1) else m.group(0), rest)
    if "b" in lowered and not rest.isascii():  # Python 3 bytes literals must be ASCII
        return (
            prefix.replace("b", "u").replace("B", "u").replace("r", "").replace("R", "")
            + (" " if "r" in lowered else "")
            + rest
        )
    return src


def shim(text: str) -> Shim:
    """Python-3-parseable text of the same layout as ``text`` (see the module docstring)."""
    tokens, candidates = _tokens(text)
    srcs = list(map(_SRC, tokens))
    sig = range(len(tokens))  # every token the lexer keeps is significant
    # (the regex begins at every line start: a memchr-speed test of its literal first spares
    # most texts that scan, which cost about 4 ms a 100 KB file)
    print_is_function = "print_function" in text and _PRINT_FUNCTION.search(text) is not None
    backtick_open = False
    not_python3 = False
    # the first f-string of a text is a STRING token with an f in its prefix: the tokens before
    # it are Python's, and after it this lexer's may not be (3.12+ replacement fields)
    may_hold_fstring = False
    for i in candidates:  # the others pass the tests below with ``continue``
        k = i
        token = tokens[i]
        src = token[SRC]
        # A candidate the chain below does not change is passed over in one test.
        kind = token[KIND]
        if kind == "NAME":
            if src not in _SHIMMED_NAMES and src.lower() != "ur":
                continue
        elif kind == "STRING":
            if src[0] in "'\"" and "\\" not in src and srcs[i] == src:
                continue  # no prefix, no backslash: _string leaves it as it is
        elif kind != "NUMBER" and src not in ("`", "<>", "<"):
            continue
        following = tokens[sig[k + 1]] if k + 1 < len(sig) else None
        if token[KIND] == "NAME":
            if (
                src in ("print", "exec")
                and following is not None
                and (
                    following[KIND] in ("STRING", "NUMBER")
                    or (following[KIND] == "NAME" and following[SRC] not in _NOT_NAMES)
                )
            ):
                not_python3 = True
            if src == "print" and not print_is_function and _at_statement_start(tokens, sig, k):
                srcs[i] = "yield"
                if following is not None and following[SRC] == ">>":
                    srcs[sig[k + 1]] = "  "
                elif (
                    following is not None
                    and following[SRC] == ">"
                    and k + 2 < len(sig)
                    and tokens[sig[k + 2]][SRC] == ">"
                ):
                    srcs[sig[k + 1]] = srcs[sig[k + 2]] = " "
            elif src == "exec" and _at_statement_start(tokens, sig, k):
                srcs[i] = "not "
            elif src == "raise" and _at_statement_start(tokens, sig, k):
                srcs[i] = "yield"
                not_python3 = not_python3 or _top_level_comma(tokens, sig, k + 1)
            elif src == "except":
                depth = 0
                for j in range(k + 1, len(sig)):
                    inner = tokens[sig[j]][SRC]
                    if inner in ("(", "[", "{"):
                        depth += 1
                    elif inner in (")", "]", "}"):
                        depth -= 1
                    elif depth == 0 and inner == ":":
                        break
                    elif depth == 0 and inner == ",":
                        # ``E, e`` -> ``E. e``; ``E, (a, b)`` -> ``E  (a, b)`` (a call)
                        after = tokens[sig[j + 1]][SRC] if j + 1 < len(sig) else ""
                        srcs[sig[j]] = " " if after in ("(", "[") else "."
                        not_python3 = not_python3 or _EXCEPT_COMMA_IS_PYTHON2
                        break
            elif src == "def" and k + 2 < len(sig) and tokens[sig[k + 2]][SRC] == "(":
                _tuple_parameters(tokens, sig, srcs, k + 2, 1)
            elif src == "lambda":
                _tuple_parameters(tokens, sig, srcs, k + 1, 0)
            elif src in _PY3_KEYWORDS:
                srcs[i] = _PY3_KEYWORDS[src]
            elif (
                src in ("L", "l")
                and k
                and tokens[sig[k - 1]][KIND] == "NUMBER"
                and _adjacent(tokens[sig[k - 1]], token)
            ):
                srcs[i] = " "  # ``7L.bit_length()`` -> ``7 .bit_length()``
            elif src in _PY3_CONSTANTS and k and tokens[sig[k - 1]][SRC] == ".":
                srcs[i] = _PY3_CONSTANTS[src]  # xmlrpclib.False
            elif (
                src in ("True", "False")
                and following is not None
                and following[SRC] == "="
                and _at_statement_start(tokens, sig, k)
            ):
                srcs[i] = _PY3_CONSTANTS[src]  # ``False = 0``: 2.2's fallback, a name in Python 2
            elif (
                src.lower() == "ur"
                and following is not None
                and following[KIND] == "STRING"
                and _adjacent(token, following)
            ):
                srcs[i] = "r"
                quote = following[SRC][:3] if following[SRC][:3] in ('"""', "'''") else following[SRC][:1]
                srcs[sig[k + 1]] = quote + " " + following[SRC][len(quote) :]
        elif token[KIND] == "NUMBER":
            not_python3 = not_python3 or src[-1] in "lL" or _OLD_OCTAL_NONZERO.match(src) is not None
            if _OLD_OCTAL.match(src):
                srcs[i] = "1" + src[1:]
            elif src == "0" and following is not None and following[KIND] == "NUMBER" and _adjacent(token, following):
                srcs[i] = "1"
            if srcs[i][-1] in "lL":
                srcs[i] = srcs[i][:-1] + " "
        elif token[KIND] == "STRING":
            prefix = src[: len(src) - len(src.lstrip("bBuUrRfF"))]
            may_hold_fstring = may_hold_fstring or "f" in prefix or "F" in prefix
            srcs[i] = _string(src)
        elif src == "`":
            not_python3 = True
            srcs[i] = ")" if backtick_open else "("
            backtick_open = not backtick_open
        elif src == "<>":
            srcs[i] = "!="
        elif src == "<" and following is not None and following[SRC] == ">" and _adjacent(token, following):
            srcs[i], srcs[sig[k + 1]] = "!", "="
    pieces = []
    done = 0
    for i in compress(sig, map(ne, srcs, map(_SRC, tokens))):  # the tokens changed
        token = tokens[i]
        pieces.append(text[done : token[AT]])
        pieces.append(srcs[i])
        done = token[AT] + len(token[SRC])
    pieces.append(text[done:])
    return Shim("".join(pieces), python2_only=not_python3 and not may_hold_fstring)


def _top_level_comma(tokens: list[Token], sig: list[int], k: int) -> bool:
    """A comma outside brackets from sig[k] to the end of the logical line (or a ``;``)."""
    depth = 0
    for j in range(k, len(sig)):
        token = tokens[sig[j]]
        if token[KIND] == "NEWLINE" or (depth == 0 and token[SRC] == ";"):
            return False
        if token[SRC] in ("(", "[", "{"):
            depth += 1
        elif token[SRC] in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and token[SRC] == ",":
            return True
    return False


def expand_tabs(result: Shim) -> Shim:
    """Expand tabs in indentation (Python 2's 8-column stops), recording the column shift."""
    lines = result.text.splitlines(keepends=True)
    shifted = {}
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip(" \t\f")
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent:
            expanded = indent.expandtabs(8)
            lines[number - 1] = expanded + stripped
            shifted[number] = (len(expanded), len(expanded) - len(indent))
    return Shim("".join(lines), shifted)
