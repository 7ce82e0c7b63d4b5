"""Reading and writing source files without losing a byte of what we do not change.

A file is read as bytes, its encoding found the way Python finds it (BOM, then a
PEP 263 coding cookie, else UTF-8), and decoded *without* newline translation, so
CRLF ends survive. Only regular files are read: a FIFO would block for ever, a
device never ends.

Writing encodes with the same codec (a BOM comes back with ``utf-8-sig``) into a
temporary file in the same folder, which then replaces the original by rename: a
crash never leaves half a file. The replacement keeps what an editor keeps:

- a symlink stays a symlink: the file it points to is rewritten (as ruff and
  pyupgrade do, and ``sed -i --follow-symlinks``);
- mode, owner and group are kept; when they cannot be (another user's file), the
  file is left alone with a reason, as is a read-only file;
- the file must still hold the bytes that were read (compare and swap, under an
  advisory lock that concurrent threadport runs take too), so a concurrent edit is
  never overwritten: the caller fixes the new content again.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat
import time

from threadport.errors import ThreadportError
from threadport.lazyre import lazy_compile
from threadport.records import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from pathlib import Path  # a path may be one; check's are str (fixer.walk): no pathlib import

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, the byte comparison remains
    fcntl = None  # type: ignore[assignment]


class SourceError(ThreadportError):
    """A file that cannot be processed; the message is the reason, without the path."""


class ChangedMeanwhile(SourceError):
    """The file no longer holds the bytes that were read: another program wrote it."""

    def __init__(self) -> None:
        super().__init__("changed by another program while it was being fixed; left as that program wrote it")


class Source(Record):
    __slots__ = ("path", "data", "text", "encoding")

    def __init__(self, path: Path, data: bytes, text: str, encoding: str) -> None:
        self.path = path
        self.data = data
        self.text = text
        self.encoding = encoding  # a codec name that round-trips the bytes (utf-8-sig keeps a BOM)


# PEP 263's cookie, as tokenize looks for it in the first two lines.
_COOKIE = lazy_compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _bom_and_cookie_disagree(data: bytes) -> str | None:
    """The cookie's codec when the file starts with a UTF-8 BOM and the cookie is not UTF-8."""
    if not data.startswith(codecs.BOM_UTF8):
        return None
    for line in data[len(codecs.BOM_UTF8) :].splitlines()[:2]:
        match = _COOKIE.match(line)
        if match:
            declared = match.group(1).decode("ascii", "replace")
            try:
                name = codecs.lookup(declared).name
            except LookupError:
                return None
            return None if name == "utf-8" else declared
    return None


def _plain_utf8(data: bytes) -> bool:
    """No BOM and no word ``coding`` in the first two lines: tokenize.detect_encoding would
    answer utf-8 (its cookie pattern needs that word; a first line that is not UTF-8 is
    its SyntaxError, which decode reads as utf-8 too). Most files: no tokenize import."""
    if data.startswith(codecs.BOM_UTF8):
        return False
    first = data.find(b"\n")
    second = -1 if first < 0 else data.find(b"\n", first + 1)
    return b"coding" not in (data if second < 0 else data[:second])


def tokenize_encoding(data: bytes) -> str:
    """tokenize.detect_encoding's answer: the BOM and the PEP 263 cookie of the first two lines."""
    import tokenize  # here: most files have neither (_plain_utf8), and its import is a start-up cost

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def decode(data: bytes) -> tuple[str, str]:
    """Decode source bytes the way the interpreter would, keeping line ends as they are."""
    if b"\0" in data:
        raise SourceError("binary file (contains NUL bytes), not Python source")
    try:
        encoding = "utf-8" if _plain_utf8(data) else tokenize_encoding(data)
    except SyntaxError as error:  # unknown codec in a cookie, a cookie that contradicts a BOM...
        declared = _bom_and_cookie_disagree(data)
        if declared is not None:
            raise SourceError(
                f"the file starts with a UTF-8 byte-order mark but its coding cookie says {declared}:"
                " the BOM and the cookie disagree (remove one of them)"
            ) from None
        if "invalid or missing encoding declaration" not in str(error):
            raise SourceError(f"bad coding declaration: {error.msg}") from None
        encoding = "utf-8"  # ...or no cookie and non-UTF-8 bytes in the first two lines
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        hint = " (add a PEP 263 coding cookie if the file is not UTF-8)" if encoding == "utf-8" else ""
        raise SourceError(f"cannot decode as {encoding}: byte 0x{data[error.start]:02x} on line {line}{hint}") from None
    # A lone CR (not part of CRLF) is judged by parsing.parse, and only for files whose
    # bytes mention a rule's words: inside a string it is accepted.
    return text, encoding


_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _not_regular(mode: int) -> SourceError:
    kind = _KINDS.get(stat.S_IFMT(mode))
    return SourceError("not a regular file" + (f" ({kind})" if kind else ""))


def _unreadable(path: Path | str, error: OSError) -> SourceError:
    if os.path.isdir(path):  # the walk hands over a folder it could not list
        try:
            os.scandir(path).close()
        except OSError as listing:
            return SourceError(f"cannot list folder: {listing.strerror or listing}")
        return SourceError("is a folder, not a file")
    return SourceError(f"cannot read: {error.strerror or error}")


def _open_regular(path: Path | str) -> int:
    """A descriptor on the regular file at ``path`` (symlinks followed); never blocks on a FIFO."""
    return _open_regular_sized(path)[0]


def _open_regular_sized(path: Path | str) -> tuple[int, int]:
    """_open_regular's descriptor, and the file's size when it was opened."""
    try:
        mode = os.stat(path).st_mode  # refuse pipes and devices before opening them at all
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(mode):
            raise _not_regular(mode)
        # O_NONBLOCK: should the path become a FIFO after the stat, opening it still returns.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _unreadable(path, error) from None
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise _not_regular(status.st_mode)
    return fd, status.st_size


def _read_all(fd: int, size: int = -1) -> bytes:
    """Every byte to the end. ``size``: the file's size when opened, if known; the first read
    asks for one byte more, so it takes the whole file at once (and a file that grew since is
    read on to its end). A first read of 1 MiB allocated, then shrank, a megabyte per file:
    a fifth of the screening's reading of a tree of small files."""
    chunks = []
    request = size + 1 if size >= 0 else 1 << 20
    while True:
        chunk = os.read(fd, request)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        request = 1 << 20


def read_bytes(path: Path) -> bytes:
    """The bytes of the regular file at ``path``; SourceError (never a hang) for anything else."""
    fd, size = _open_regular_sized(path)
    try:
        return _read_all(fd, size)
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)


def read_source(path: Path) -> Source:
    data = read_bytes(path)
    text, encoding = decode(data)
    return Source(path, data, text, encoding)


# How long to wait for another threadport run that holds a file's lock (it holds it
# only while it writes one file).
LOCK_PATIENCE = 30.0


def _lock(fd: int) -> None:
    if fcntl is None:
        return
    deadline = time.monotonic() + LOCK_PATIENCE
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise SourceError(f"locked by another program for more than {LOCK_PATIENCE:g} s") from None
            time.sleep(0.01)  # polling, so a lock that is never released cannot hang the run
        except OSError:  # a file system without flock (some NFS): the byte comparison remains
            return


def _refuse_read_only(path: Path, status: os.stat_result) -> None:
    mode = stat.S_IMODE(status.st_mode)
    # Root may write anything; an editor still refuses a file nobody may write, and so do we.
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise SourceError(f"read-only file (mode {mode:04o}); left unchanged")


def write_atomic(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace the file at ``path`` by ``data``: temporary file in the same folder, fsync, rename.

    A symlink is followed and the file it points to replaced. With ``expected``, the
    file must still hold exactly those bytes, else ChangedMeanwhile is raised and
    nothing is written.
    """
    from pathlib import Path  # here: `check` never writes

    target = Path(os.path.realpath(path))
    fd = _open_regular(target)
    try:
        _lock(fd)
        status = os.fstat(fd)
        try:
            now = os.stat(target)
        except OSError:
            raise ChangedMeanwhile() from None
        if (now.st_dev, now.st_ino) != (status.st_dev, status.st_ino):
            raise ChangedMeanwhile()  # replaced while we waited for the lock
        if expected is not None and _read_all(fd) != expected:
            raise ChangedMeanwhile()
        _refuse_read_only(target, status)
        _replace(target, data, status)
    finally:
        os.close(fd)  # releases the lock


def _replace(target: Path, data: bytes, status: os.stat_result) -> None:
    import tempfile  # here: `check` never writes, and tempfile pulls in random (a start-up cost)

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".threadport", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
            output.flush()
            if hasattr(os, "fchown"):
                _keep_owner(output.fileno(), status)
            os.chmod(temporary, stat.S_IMODE(status.st_mode))  # after chown, which may clear setuid bits
            os.fsync(output.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _keep_owner(fd: int, status: os.stat_result) -> None:
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (status.st_uid, status.st_gid):
        return
    try:
        os.fchown(fd, status.st_uid, status.st_gid)
    except PermissionError:
        raise SourceError(
            f"owned by uid {status.st_uid}, gid {status.st_gid}: replacing it would change its owner"
            " or group; left unchanged"
        ) from None


def save(source: Source, new_text: str) -> bool:
    """Write ``new_text`` back in the file's own encoding; False (no write) when unchanged.

    Raises ChangedMeanwhile when the file no longer holds ``source.data``.
    """
    data = new_text.encode(source.encoding)
    if data == source.data:
        return False
    write_atomic(source.path, data, expected=source.data)
    return True
