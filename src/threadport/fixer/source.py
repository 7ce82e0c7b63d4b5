"""Reading and writing source files without losing a byte of what we do not change.

A file is read as bytes, its encoding found the way Python finds it (BOM, then a
PEP 263 coding cookie, else UTF-8), and decoded *without* newline translation, so
CRLF ends survive. Writing encodes with the same codec (a BOM comes back with
``utf-8-sig``) into a temporary file in the same folder, which then replaces the
original by rename: a crash never leaves half a file, and the mode is kept.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

from threadport.errors import ThreadportError


class SourceError(ThreadportError):
    """A file that cannot be processed; the message is the reason, without the path."""


@dataclass
class Source:
    path: Path
    data: bytes
    text: str
    encoding: str  # a codec name that round-trips the bytes (utf-8-sig keeps a BOM)


def decode(data: bytes) -> tuple[str, str]:
    """Decode source bytes the way the interpreter would, keeping line ends as they are."""
    if b"\0" in data:
        raise SourceError("binary file (contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # unknown codec in a cookie, a cookie that contradicts a BOM...
        if "invalid or missing encoding declaration" not in str(error):
            raise SourceError(f"bad coding declaration: {error.msg}") from None
        encoding = "utf-8"  # ...or no cookie and non-UTF-8 bytes in the first two lines
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        hint = " (add a PEP 263 coding cookie if the file is not UTF-8)" if encoding == "utf-8" else ""
        raise SourceError(f"cannot decode as {encoding}: byte 0x{data[error.start]:02x} on line {line}{hint}") from None
    if "\r" in text.replace("\r\n", ""):
        # ast splits lines on a lone CR but tokenize does not: positions would disagree.
        raise SourceError("lone CR line ends (classic Mac OS) are not supported")
    return text, encoding


def read_source(path: Path) -> Source:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    text, encoding = decode(data)
    return Source(path, data, text, encoding)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data``: temporary file in the same folder, fsync, rename."""
    mode = stat.S_IMODE(path.stat().st_mode)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".threadport", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def save(source: Source, new_text: str) -> bool:
    """Write ``new_text`` back in the file's own encoding; False (no write) when unchanged."""
    data = new_text.encode(source.encoding)
    if data == source.data:
        return False
    write_atomic(source.path, data)
    return True
