# The child side of threadport.runner: runs one entry point of one source file.
#
#   python -S -B -u child.py RESULT_FILE SOURCE ENTRY ARGS_JSON virtual|real
#
# ENTRY is a function name, called in the main thread, or "Thread(target=NAME)",
# which starts NAME(*ARGS) in a new threading.Thread and joins it.
#
# Python 2.7 and 3.6+ alike. The source is compiled from its bytes, so the
# verbatim seed (UTF-8 curly quotes, no coding cookie, a SyntaxError for
# `python2.7 file.py`) runs without being edited. Whatever the snippet prints
# goes to the real stdout/stderr; what the runner needs to know besides
# (version, exception, virtual time) goes to RESULT_FILE as a Python literal.
#
# Start-up is most of a run's cost, so nothing is imported that a run does not
# need: json (7 ms on Python 3) only when there are arguments to decode.

import os
import sys

THREAD_PREFIX = "Thread(target="


def _text(value):
    try:
        return str(value)
    except UnicodeError:  # Python 2: a unicode message that ASCII cannot carry
        return repr(value)


def _version():
    # A free-threaded build (PEP 703: ABI flag "t") is a row of its own: "3.14.0t", as
    # discovery names it. Python 2 has no sys.abiflags.
    free_threaded = "t" in getattr(sys, "abiflags", "")
    return ".".join(str(part) for part in sys.version_info[:3]) + ("t" if free_threaded else "")


def _write_result(path, result):
    # Binary mode: text mode may import a codec, and this also runs inside the
    # clock's deadlock report, where an import would wait on the clock.
    with open(path, "wb") as handle:
        handle.write(repr(result).encode("ascii", "backslashreplace"))


def main():
    result_path, source_path, entry, args_json, mode = sys.argv[1:6]
    result = {
        "python": _version(),
        "exception": None,
        "deadlock": False,
        "virtual_seconds": None,
    }
    clock = None
    if mode == "virtual":
        import virtual  # beside this file: sys.path[0] is this folder

        clock = virtual.install()

        def on_deadlock():
            result["deadlock"] = True
            result["virtual_seconds"] = clock.now
            _write_result(result_path, result)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(124)

        clock.on_deadlock = on_deadlock

    # Look like `import STEM` from the source's folder: its siblings import, and
    # `if __name__ == "__main__"` blocks stay quiet.
    sys.path[0] = os.path.dirname(os.path.abspath(source_path))
    sys.argv = [source_path]
    stem = os.path.splitext(os.path.basename(source_path))[0]
    module = type(sys)(stem)
    module.__file__ = source_path
    sys.modules[stem] = module

    status = 0
    try:
        with open(source_path, "rb") as handle:
            code = compile(handle.read(), source_path, "exec", 0, True)
        exec(code, module.__dict__)
        args = []
        if args_json != "[]":
            import json

            args = json.loads(args_json)
        if entry.startswith(THREAD_PREFIX) and entry.endswith(")"):
            # "Thread(target=NAME)": run it as the seed's comments do,
            # t = threading.Thread(target=NAME, args=ARGS); t.start(); t.join()
            import threading

            target = getattr(module, entry[len(THREAD_PREFIX) : -1])
            thread = threading.Thread(target=target, args=tuple(args))
            thread.start()
            thread.join()
        else:
            getattr(module, entry)(*args)
    except SystemExit as exit_request:
        code = exit_request.code
        if code is None:
            status = 0
        elif isinstance(code, int):
            status = code
        else:
            sys.stderr.write(_text(code) + "\n")
            status = 1
    except BaseException:
        import traceback

        # Skip this file's own frame: the traceback starts in the snippet.
        error_type, value, tb = sys.exc_info()
        traceback.print_exception(error_type, value, tb.tb_next)
        result["exception"] = {"type": error_type.__name__, "message": _text(value)}
        status = 1

    if clock is not None:
        virtual.finish_main()
        result["virtual_seconds"] = clock.now
    _write_result(result_path, result)
    sys.stdout.flush()
    sys.exit(status)


main()
