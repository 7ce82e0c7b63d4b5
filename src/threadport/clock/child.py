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
# threadport's: 8-15 ms). An entry holds the path and bytes it was compiled from and the
# interpreter's version: anything else is a miss, and a missing, unreadable or unwritable
# folder only costs the compile.
CACHE_HEADER = b"threadport-clock-code/1\n"


def _cached_code(name, path, source, folder):
    loaded = "marshal" in sys.modules
    import marshal  # built in; out of sys.modules again below if it was not there (2.7)

    try:
        return _code_from(marshal, name, path, source, folder)
    finally:
        if not loaded:
            del sys.modules["marshal"]


def _code_from(marshal, name, path, source, folder):
    key = repr((path, sys.version, len(source)))
    # Python 2: str is bytes already (encode would import encodings.ascii, as _serve's replies say)
    key = (key if str is bytes else key.encode("ascii", "backslashreplace")) + b"\n"
    # An entry per module, interpreter version and install (threadport.cache.per_install's
    # cheap hash of the path): tox envs and checkouts side by side keep theirs.
    tag = 0
    for character in path:
        tag = (tag * 31 + ord(character)) % 2**32
    version = str(sys.version_info[0]) + str(sys.version_info[1])
    entry = os.path.join(folder, "clock-" + name + "-py" + version + "-" + hex(tag)[2:].rstrip("L") + ".code")
    try:
        with open(entry, "rb") as handle:
            stored = handle.read()
        head = CACHE_HEADER + key + source
        if stored.startswith(head):
            return marshal.loads(stored[len(head) :])
    except Exception:  # no entry yet, or one that cannot be read: compiled below
        pass
    code = compile(source, path, "exec", 0, True)
    temporary = entry + "." + str(os.getpid()) + ".tmp"
    try:
        if not os.path.isdir(folder):
            os.makedirs(folder)
        with open(temporary, "wb") as handle:
            handle.write(CACHE_HEADER + key + source + marshal.dumps(code))
        os.rename(temporary, entry)
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
    with open(path, "rb") as handle:
        source = handle.read()
    if folder == "-":
        code = compile(source, path, "exec", 0, True)
    else:
        code = _cached_code("driver", path, source, folder)
    exec(code, globals())


_define_driver(sys.argv[5] if sys.argv[1] == SERVE else sys.argv[6])

# main and _serve are driver.py's, defined above.
if sys.argv[1] == SERVE:
    main(*_serve())  # noqa: F821 - _serve returns in each forked run, set up as a fresh run of main() would be
else:
    main()  # noqa: F821
