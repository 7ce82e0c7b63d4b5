# The child side of threadport.runner: runs one entry point of one source file.
#
#   python -S -B -u child.py RESULT_FILE SOURCE ENTRY ARGS virtual|real CACHE_FOLDER|-
#
# ENTRY is a function name, called in the main thread, or "Thread(target=NAME)",
# which starts NAME(*ARGS) in a new threading.Thread and joins it. CACHE_FOLDER is
# where the rest of this script (driver.py) and the virtual clock's module are kept
# compiled (_define_driver, _import_cached); "-": none.
#
# Python 2.7 and 3.6+ alike. The source is compiled from its bytes, so the
# verbatim seed (UTF-8 curly quotes, no coding cookie, a SyntaxError for
# `python2.7 file.py`) runs without being edited. Whatever the snippet prints
# goes to the real stdout/stderr; what the runner needs to know besides
# (version, exception, virtual time) goes to RESULT_FILE as a Python literal.
#
#   python -S -B -u child.py --serve virtual|real REQUEST_FD REPLY_FD CACHE_FOLDER|-
#
# is the fork server (threadport.forkserver): one warm interpreter per Python,
# clock mode and -W flags, which forks a child per run; see driver.py's _serve.
#
# Start-up is most of a run's cost, so nothing is imported that a run does not
# need. ARGS is a list written as a Python literal (threadport.runner.literal), evaluated
# with no name in scope: json, with re, cost a forked 3.11 run about 15 ms.

import os
import sys

SERVE = "--serve"


# The rest of this script (driver.py) and the fork server's own modules (virtual, quiet_exit)
# compiled once and kept in threadport's cache folder: the server runs with -B (a run must
# write no bytecode), so each server start compiled them from source (2.7: 3-4 ms; a Python
# 3 without their .pyc, as an install that compiled none or another version than
# threadport's: 8-15 ms). The run's own source is kept there too (driver.py's _snippet_code).
# An entry holds the path and bytes it was compiled from, the interpreter's version and its
# flags (sys.flags: -O's level, 2.7's -Q and -U, which change what compile() makes), with
# compile()'s own flags and dont_inherit: anything else is a miss, and a missing,
# unreadable or unwritable folder only costs the compile.
CACHE_HEADER = b"threadport-clock-code/2\n"
COMPILE_FLAGS, DONT_INHERIT = 0, True  # compile(source, path, "exec", COMPILE_FLAGS, DONT_INHERIT), here and in driver


def _read_file(path):
    """The bytes of ``path`` through the descriptor alone: a file object (3.x's io makes two,
    with an fstat and a buffer) cost the fork server more per run than the read itself, in
    objects made and dropped on pages the run shares copy-on-write. OSError if unreadable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def _write_file(path, data):
    """``data`` (bytes) written to ``path`` through the descriptor alone, as _read_file reads."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)


def _compile_source(source, path):
    return compile(source, path, "exec", COMPILE_FLAGS, DONT_INHERIT), True


def _cached_code(name, path, source, folder, compile_source=_compile_source):
    """The code of ``source`` (read from ``path``) from the entry ``name`` of ``folder``, or
    what compile_source(source, path) makes, kept in that entry when it says so (it returns
    the code, None when it left the compile to the run, and whether the code may be kept)."""
    loaded = "marshal" in sys.modules
    import marshal  # built in; out of sys.modules again below if it was not there (2.7)

    try:
        return _code_from(marshal, name, path, source, folder, compile_source)
    finally:
        if not loaded:
            del sys.modules["marshal"]


def _code_from(marshal, name, path, source, folder, compile_source):
    key = repr((path, sys.version, tuple(sys.flags), COMPILE_FLAGS, DONT_INHERIT, len(source)))
    # Python 2: str is bytes already (encode would import encodings.ascii, as _serve's replies say)
    key = (key if str is bytes else key.encode("ascii", "backslashreplace")) + b"\n"
    # An entry per module, interpreter version and install (threadport.cache.per_install's
    # cheap hash of the path): tox envs and checkouts side by side keep theirs.
    tag = 0
    for character in path:
        tag = (tag * 31 + ord(character)) % 2**32
    version = str(sys.version_info[0]) + str(sys.version_info[1])
    entry = os.path.join(folder, name + "-py" + version + "-" + hex(tag)[2:].rstrip("L") + ".code")
    head = CACHE_HEADER + key + source
    try:
        stored = _read_file(entry)  # through the descriptor: a fork server reads an entry per run
        if stored.startswith(head):
            return marshal.loads(stored[len(head) :])
    except Exception:  # no entry yet, or one that cannot be read: compiled below
        pass
    code, keep = compile_source(source, path)
    if code is None or not keep:
        return code
    temporary = entry + "." + str(os.getpid()) + ".tmp"
    try:
        if not os.path.isdir(folder):
            os.makedirs(folder)
        _write_file(temporary, head + marshal.dumps(code))
        os.rename(temporary, entry)  # whole or not at all: a reader never sees half an entry
    except Exception:  # best effort: the next server compiles again
        try:
            os.unlink(temporary)
        except OSError:
            pass
    return code


def _define_driver(folder):
    """Define the rest of the child (clock/driver.py: main, _serve and their helpers) in this
    module, as if written here. This script is compiled from source at every start (fresh
    runs and fork servers have -B, and no interpreter caches a script's code): all of it
    cost a 2.7 or 3.11 start about 5 ms and 200-240 page faults. The driver's code comes
    from the cache folder instead, as the clock's modules do ("-": compiled here). Defined
    in __main__ and called from this module's own code, main() runs a snippet from the same
    stack as before: this module's frame, then main's."""
    path = os.path.join(os.path.dirname(__file__), "driver.py")
    source = _read_file(path)
    if folder == "-":
        code = compile(source, path, "exec", COMPILE_FLAGS, DONT_INHERIT)
    else:
        code = _cached_code("clock-driver", path, source, folder)
    exec(code, globals())


_define_driver(sys.argv[5] if sys.argv[1] == SERVE else sys.argv[6])

# main and _serve are driver.py's, defined above.
if sys.argv[1] == SERVE:
    main(*_serve())  # noqa: F821 - _serve returns in each forked run, set up as a fresh run of main() would be
else:
    main()  # noqa: F821
