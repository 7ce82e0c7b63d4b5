"""The runner: one entry point, one fresh process, a transcript as data, and no hang ever."""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from threadport import runner
from threadport.interpreters import probe
from threadport.runner import Transcript, read_literal, run_entry


def test_stdout_stderr_and_exit_are_captured_as_lines(any_python, snippet):
    path = snippet("""
        from __future__ import print_function
        import sys
        def main(a, b):
            print("out", a)
            print("err", b, file=sys.stderr)
            print("two")
    """)
    t = run_entry(any_python, path, "main", ["x", 2])
    assert (t.stdout, t.stderr, t.exit, t.exception) == (["out x", "two"], ["err 2"], 0, None)


# Every kind of value JSON holds; the child gets them as a Python literal (runner.literal)
ARGUMENTS = ["plain", "é, ☃ and 😀", "", "quote ' and \\", 2, -3, 10**20, 1.5, -0.0, 1e-7, 1e300]
ARGUMENTS += [float("inf"), float("-inf"), float("nan"), True, False, None, ["a", [1, []]], {"k": "v", "n": {}}]


def test_arguments_arrive_as_json_would_give_them_on_each_python(any_python, snippet):
    show = "    print(repr(tuple(args)))\n    print(repr([type(arg).__name__ for arg in args]))\n"
    path = snippet("def main(*args):\n" + show)
    reference = snippet("import json\ndef main(text):\n    args = json.loads(text)\n" + show, "reference.py")
    got = run_entry(any_python, path, "main", ARGUMENTS)
    expected = run_entry(any_python, reference, "main", [json.dumps(ARGUMENTS)])
    assert (got.exit, got.stderr) == (0, []) and (expected.exit, expected.stderr) == (0, [])
    assert got.stdout == expected.stdout
    assert ("unicode" in got.stdout[1]) == (probe(any_python).version[0] == 2)  # 2.7: JSON's strings are unicode


def test_an_argument_json_cannot_hold_is_refused_before_a_run(snippet):
    with pytest.raises(TypeError, match="what JSON can hold, not set"):
        run_entry(sys.executable, snippet("def main(x):\n    pass\n"), "main", [{1, 2}])


def test_an_escaping_exception_is_recorded_and_its_traceback_starts_in_the_snippet(any_python, snippet):
    path = snippet("""
        def main():
            {}["missing"]
    """)
    t = run_entry(any_python, path, "main")
    assert t.exit == 1
    assert t.exception == {"type": "KeyError", "message": "'missing'"}
    assert t.stderr[0] == "Traceback (most recent call last):"
    assert "snippet.py" in t.stderr[1] and "child.py" not in "\n".join(t.stderr)
    assert t.stderr[-1] == "KeyError: 'missing'"


def test_an_exception_message_beyond_ascii_is_recorded_as_written(any_python, snippet):
    # The result file is ASCII (clock/driver.py, _write_result): Python 3's repr keeps é as it
    # is and the child escapes it; Python 2's repr escapes it already, in its own spelling.
    path = snippet("""
        def main():
            raise ValueError(u"caf\\u00e9 \\u2603")
    """)
    t = run_entry(any_python, path, "main")
    python2 = probe(any_python).version[0] == 2
    # 2.7's str() of a unicode message that ASCII cannot carry fails: the child records repr()
    message = "ValueError(u'caf\\xe9 \\u2603',)" if python2 else "café ☃"
    assert t.exception == {"type": "ValueError", "message": message}


def test_system_exit_sets_the_status(any_python, snippet):
    path = snippet("""
        import sys
        def main():
            sys.exit(3)
    """)
    t = run_entry(any_python, path, "main")
    assert (t.exit, t.exception) == (3, None)


def test_the_source_file_is_never_written(any_python, snippet):
    path = snippet("def main():\n    pass\n")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    run_entry(any_python, path, "main")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["snippet.py"]


def test_a_timeout_kills_the_whole_process_tree(any_python, snippet, tmp_path, monkeypatch):
    pid_file = tmp_path / "grandchild.pid"
    path = snippet("""
        import os, subprocess, sys
        def main(pid_file):
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            with open(pid_file + ".part", "w") as handle:
                handle.write(str(child.pid))
            os.rename(pid_file + ".part", pid_file)
            child.wait()
    """)
    # The run's time is up once its grandchild exists: from then on the runner's clock
    # moves an hour at every look (the run may have made it before the runner took the time
    # its limit counts from). A real limit of 2 s had to cover the start of the run and of
    # the grandchild on a busy machine (up to 0.56 s seen at load average 18), and a run that
    # took longer was killed before there was a tree to kill.
    real_monotonic, looks = time.monotonic, itertools.count(1)

    def monotonic():
        return real_monotonic() + (3600 * next(looks) if pid_file.exists() else 0)

    monkeypatch.setattr(runner, "time", SimpleNamespace(perf_counter=time.perf_counter, monotonic=monotonic))
    started = time.monotonic()
    t = run_entry(any_python, path, "main", [str(pid_file)], real_time=True, timeout=60)
    assert t.timed_out and t.exit is None and not t.deadlock
    assert time.monotonic() - started < 30, "the limit came with the grandchild, not after 60 s"
    grandchild = int(pid_file.read_text())
    # Killed with its group: gone, or at most a zombie waiting for its reaper.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(grandchild):
        time.sleep(0.05)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_caller_python_variables_do_not_leak_into_the_child(any_python, snippet, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/nonexistent-threadport-test")
    path = snippet("""
        from __future__ import print_function
        import os, sys
        def main():
            print(os.environ.get("PYTHONPATH"), os.environ["PYTHONHASHSEED"])
    """)
    assert run_entry(any_python, path, "main").stdout == ["None 0"]


def test_warnings_flags_reach_the_child(snippet):
    path = snippet("""
        import warnings
        def main():
            warnings.warn("old", DeprecationWarning)
    """)
    t = run_entry(sys.executable, path, "main", warnings=["error::DeprecationWarning"])
    assert t.exception == {"type": "DeprecationWarning", "message": "old"}


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh", "forked"])
def test_an_interpreter_path_relative_to_the_callers_folder_runs(snippet, tmp_path, monkeypatch, fresh):
    # Relative to where the caller is, not to the run's scratch folder, where it starts.
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").symlink_to(sys.executable)
    monkeypatch.chdir(tmp_path)
    path = snippet("def main():\n    print('ran')\n")
    t = run_entry("bin/python", path, "main", fresh=fresh)
    assert (t.stdout, t.exit) == (["ran"], 0)


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh", "forked"])
@pytest.mark.parametrize(
    "body",
    [
        "pass",
        # Files and a read-only folder of files: rmdir alone cannot remove the folder.
        "open('left.txt', 'w').write('x'); os.mkdir('sub'); open('sub/f', 'w').write('y'); os.chmod('sub', 0o500)",
        "os.chmod('.', 0o500)",  # the run's folder itself read-only
    ],
    ids=["nothing", "files", "read-only"],
)
def test_the_runs_folder_goes_whatever_the_run_left_in_it(snippet, tmp_path, fresh, body):
    path = snippet(f"""
        import os
        def main(where):
            open(where, "w").write(os.getcwd())
            {body}
    """)
    where = tmp_path / "folder.txt"
    t = run_entry(sys.executable, path, "main", [str(where)], fresh=fresh)
    assert (t.exit, t.ended, t.stderr) == (0, "exit status 0", [])
    folder = Path(where.read_text())
    assert folder.name.startswith("threadport-")
    assert not folder.exists()


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh", "forked"])
def test_what_a_leftover_writes_before_it_is_killed_reaches_the_transcript(snippet, tmp_path, monkeypatch, fresh):
    # The run's process returns; its grandchild holds stdout and stderr open, so the runner
    # stops reading after the grace and contains the run. What the grandchild writes just
    # before the kill (here through /proc, as containment starts) is drained from the streams
    # that were never read to their end.
    pid_file = tmp_path / "grandchild.pid"
    path = snippet("""
        import subprocess, sys
        def main(pid_file):
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            open(pid_file, "w").write(str(child.pid))
            print("returned")
    """)
    monkeypatch.setattr(runner, "OUTPUT_GRACE", 0.1)
    contain = runner.processes.contain

    def late_then_contain(*args, **kwargs):
        grandchild = pid_file.read_text()
        for fd, text in ((1, b"late out\n"), (2, b"late err\n")):
            with open(f"/proc/{grandchild}/fd/{fd}", "wb") as stream:
                stream.write(text)
        return contain(*args, **kwargs)

    monkeypatch.setattr(runner.processes, "contain", late_then_contain)
    t = run_entry(sys.executable, path, "main", [str(pid_file)], real_time=True, fresh=fresh)
    assert (t.exit, t.stdout, t.stderr) == (0, ["returned", "late out"], ["late err"])
    assert "a leftover process held the output open" in t.leftover[0]


def test_a_result_in_the_childs_form_is_read_without_the_compiler(monkeypatch):
    # runner._read_result: the child's repr() by result_text.read_plain; any other text (a run
    # can rewrite its result file) by read_literal, literal_eval's answer.
    read, compiled = [], []
    real_plain, real = runner.result_text.read_plain, runner.read_literal
    monkeypatch.setattr(runner.result_text, "read_plain", lambda text: read.append(text) or real_plain(text))
    monkeypatch.setattr(runner, "read_literal", lambda text: compiled.append(text) or real(text))
    text = "{'python': '3.11.7', 'exception': {'type': 'E', 'message': 'm'}, 'deadlock': False, 'virtual_seconds': 0.5}"
    assert runner._read_result(text) == real(text) and read == [text] and compiled == []
    odd = "{'python': {1, 2}}"  # not the child's form: the compiler reads it
    assert runner._read_result(odd) == {"python": {1, 2}} and compiled == [odd]


def test_missing_source_is_an_error():
    with pytest.raises(FileNotFoundError):
        run_entry(sys.executable, "/nonexistent/snippet.py", "main")


def test_transcript_round_trips_through_json():
    t = Transcript("3.11.7", ["a"], [], 0, None, 0.5, virtual_seconds=2.0)
    assert Transcript.from_json(t.to_json()) == t


# What the child writes (its result's repr, from Python 2.7 and 3), and what a run that
# rewrote its result file could leave there: read_literal answers as ast.literal_eval.
RESULT_TEXTS = [
    "{'python': '3.11.7', 'exception': None, 'deadlock': False, 'virtual_seconds': 16.0}",
    "{'python': '2.7.18', 'exception': {'type': 'ValueError', 'message': u'caf\\xe9 \\u2603'},"
    " 'deadlock': True, 'virtual_seconds': 1e+20}",
    "{u'python': u'2.7.18', 'exception': {'type': 'E', 'message': 'a \\'quoted\\' \"line\"\\n'}}",
    "  \t{'virtual_seconds': -0.5, 'x': +3, 'y': (1, [2, {3}], b'\\x00'), 'z': -1j}",
    "{}",
    "[1, 2.5, None, True]",
]
REFUSED = ["{'python': inf}", "{'a': f()}", "{**{}}", "{'a': 1 + 2}", "--1", "set()", "{'a': x.y}", "1+2j"]


@pytest.mark.parametrize("text", RESULT_TEXTS)
def test_a_result_file_is_read_as_literal_eval_reads_it(text):
    import ast

    # literal_eval strips leading spaces and tabs from 3.10 on (Lib/ast.py: parse(
    # node_or_string.lstrip(" \t"), ...)); 3.9's raises IndentationError on the indented text
    assert read_literal(text) == ast.literal_eval(text.lstrip(" \t"))


@pytest.mark.parametrize("text", REFUSED)
def test_what_is_not_a_plain_literal_is_refused(text):
    with pytest.raises(ValueError):
        read_literal(text)


# The one regex runner.tells_apart replaced: its answers are the reference.
ONE_REGEX = r"\bgc\b|getppid|cmdline|/proc/|/dev/(fd|std)|fstat|readlink|fork\(|multiprocessing"
TOLD_APART = [
    ("import gc\n", True),
    ("gc", True),
    ("x = gc.isenabled()", True),
    ("\xe9gc\xe9", True),  # a byte outside ASCII is no word character in a bytes pattern
    ("import gcd\n", False),  # no-op: another word
    ("lgc = 1", False),
    ("_gc", False),
    ("gc_", False),
    ("GC", False),
    ("os.getppid()", True),
    ("open('/proc/self/stat')", True),
    ("/dev/fd/1", True),
    ("/dev/stdout", True),
    ("/dev/null", False),  # no-op: a device a fresh run sees alike
    ("os.fstat(1)", True),
    ("os.readlink(p)", True),
    ("cmdline", True),
    ("pid = os.fork()", True),
    ("from multiprocessing import Process", True),
    ("a forked run", False),  # no-op: the word in prose
    ("", False),
    ("print('plain')", False),
]


@pytest.mark.parametrize(("text", "expected"), TOLD_APART)
def test_tells_apart_answers_as_the_one_regex_did(text, expected):
    import re

    raw = text.encode("latin-1")
    assert runner.tells_apart(raw) is expected
    assert bool(re.search(ONE_REGEX.encode(), raw)) is expected


def test_tells_apart_answers_as_the_one_regex_did_on_every_pair():
    import re

    from threadport.catalog import load_catalog

    for pair in load_catalog():
        for legacy in (True, False):
            with open(pair.source_file(legacy=legacy), "rb") as source:
                raw = source.read()
            assert runner.tells_apart(raw) is bool(re.search(ONE_REGEX.encode(), raw)), pair.stem


def test_the_gc_word_is_searched_only_in_a_text_that_holds_gc(monkeypatch):
    # The regex (tried at every byte: no literal to look for first) runs only where b"gc" is.
    searched = []
    real = runner._GC
    monkeypatch.setattr(runner, "_GC", SimpleNamespace(search=lambda text: searched.append(text) or real.search(text)))
    plain = b"def main():\n    print('plain')\n" * 200
    assert not runner.tells_apart(plain) and searched == []
    assert runner.tells_apart(plain + b"import gc\n") and len(searched) == 1


@pytest.mark.parametrize("name", ["missing.py", "./missing.py", "folder"])
def test_a_missing_source_is_named_as_a_path(tmp_path, name):
    # The runner takes the source as a str (no pathlib on compare's path); the message still
    # names it as pathlib writes it: "a//./b.py" is "a/b.py".
    (tmp_path / "folder").mkdir()
    given = f"{tmp_path}//{name}"
    with pytest.raises(FileNotFoundError) as error:
        run_entry(sys.executable, given, "main")
    assert str(error.value) == f"no source file {Path(given)}" == f"no source file {tmp_path / Path(name)}"


def test_a_runs_containment_leaves_the_runs_of_the_runners_other_servers_alone(snippet, monkeypatch):
    # processes.contain is told the pids of the runner's other fork servers (forkserver.others):
    # what they forked are other workers' runs, whose environment it no longer reads.
    from threadport import forkserver, processes

    path = snippet("""
        def main():
            print("ran")
    """)
    environment = {**runner.child_environment(), "THREADPORT_TEST_OTHERS": str(time.time_ns())}  # servers of its own
    other = forkserver.ForkServer(sys.executable, "real", (), environment)  # another clock mode: another key
    told = []
    real_contain = processes.contain
    monkeypatch.setattr(
        processes, "contain", lambda *args, **kwargs: told.append(kwargs) or real_contain(*args, **kwargs)
    )
    try:
        transcript = run_entry(sys.executable, path, "main", [], fresh=False, environment=environment)
        assert transcript.stdout == ["ran"]
        [mine] = forkserver._idle[forkserver._key(sys.executable, "virtual", (), environment)]
        [others] = [kwargs["others"] for kwargs in told]
        assert other.process.pid in others and mine.process.pid not in others
    finally:
        other.close()
