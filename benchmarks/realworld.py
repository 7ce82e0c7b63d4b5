"""threadport on real code: how many real alias sites plain `fix` rewrites, and that it breaks none.

    python benchmarks/realworld.py CORPUS [--labels FILE] [--min-python X.Y] [--aggressive]
                                   [--tests] [--json]

CORPUS is a folder of checked-out projects, one per subfolder (never committed here; see
benchmarks/realworld.toml for the projects and commits measured, and how to check them out).
Each project is copied to a temporary folder first: nothing writes to CORPUS.

Per project:
  true sites   every ``.isAlive`` / ``.getName`` / ... attribute and every bare
               ``currentThread`` / ``activeCount`` imported from threading, found with
               Python's own tokenizer (independently of threadport's parser), minus the
               sites the labels file says are not threading objects (a spawn object's own
               ``isAlive``, a module that defines ``currentThread`` itself...);
  certain, possible, compat
               what `threadport check` reports at those sites;
  rewritten    sites `threadport fix` changed (its findings, checked against the tokens:
               the alias is gone from the rewritten file);
  false        rewritten sites the labels call not-threading (must be 0);
  compiles     every changed file compiles on its own interpreter (python2.7 for Python 2
               files, this Python for Python 3 files) when the original did;
  idempotent   a second `fix` changes nothing;
  tests        with --tests, the project's own stdlib-only suite on python2.7 (command in
               realworld.toml) before and after the fix: passed/total before -> after.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from threadport.fixer import CODES
from threadport.fixer.files import check_each, check_files, fix_file, prefilter, tree_facts
from threadport.fixer.min_python import parse_version, project_min_python
from threadport.fixer.tree import TreeFacts
from threadport.fixer.walk import iter_files

HERE = Path(__file__).parent
ALIAS_CODES = {
    "isAlive": "TP001",
    "currentThread": "TP002",
    "activeCount": "TP003",
    "notifyAll": "TP004",
    "isSet": "TP005",
    "getName": "TP006",
    "setName": "TP007",
    "isDaemon": "TP008",
    "setDaemon": "TP009",
}
BARE = ("currentThread", "activeCount")


@dataclass
class Project:
    name: str
    files: int = 0
    true_sites: int = 0
    certain: int = 0
    possible: int = 0
    compat: int = 0
    rewritten: int = 0
    false_rewrites: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # true sites fix left, with check's message
    compile_failures: list[str] = field(default_factory=list)
    idempotent: bool = True
    min_python: str = ""
    tests_before: str = ""
    tests_after: str = ""

    @property
    def rate(self) -> float:
        return self.rewritten / self.true_sites if self.true_sites else 1.0


def alias_sites(text: str) -> list[tuple[int, int, str]]:
    """(line, col, name) of alias attributes and of bare names imported from threading."""
    sites = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return _regex_sites(text)
    imported_bare = set()
    for i, token in enumerate(tokens):
        if token.type == tokenize.NAME and token.string == "import" and i >= 2:
            if tokens[i - 1].string in ("threading", "dummy_threading") and tokens[i - 2].string == "from":
                j = i + 1
                while j < len(tokens) and tokens[j].type not in (tokenize.NEWLINE, tokenize.ENDMARKER):
                    if tokens[j].string in BARE and tokens[j - 1].string != "as":
                        imported_bare.add(tokens[j].string)
                    j += 1
    for i, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in ALIAS_CODES:
            continue
        before = _previous_code(tokens, i)
        if before is not None and before.string == "def":
            continue
        if before is not None and before.string == ".":
            sites.append((token.start[0], token.start[1], token.string))
        elif token.string in imported_bare and not (before is not None and before.string in ("as", "class")):
            after = tokens[i + 1].string if i + 1 < len(tokens) else ""
            if after not in ("=",) or (before is not None and before.string in ("(", ",")):
                sites.append((token.start[0], token.start[1], token.string))
    return sites


def _previous_code(tokens, i):
    i -= 1
    while i >= 0 and tokens[i].type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
        i -= 1
    return tokens[i] if i >= 0 else None


_ATTRIBUTE = re.compile(r"\.\s*(" + "|".join(ALIAS_CODES) + r")\b")


def _regex_sites(text: str) -> list[tuple[int, int, str]]:
    """Tokenizer refused the file (rare Python 2 forms): the attribute sites by pattern."""
    sites = []
    for number, line in enumerate(text.split("\n"), 1):
        code = line.split("#", 1)[0]
        for match in _ATTRIBUTE.finditer(code):
            sites.append((number, match.start(1), match.group(1)))
    return sites


def load_labels(path: Path | None) -> dict[tuple[str, str, int], str]:
    """(project, relative path, line) -> why that site is not a threading object."""
    if path is None or not path.exists():
        return {}
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    labels = {}
    for entry in document.get("not_threading", []):
        for line in entry["lines"]:
            labels[(entry["project"], entry["path"], line)] = entry["why"]
    return labels


def python2_files(paths: list[Path]) -> set[Path]:
    """The files this Python 3 cannot compile (Python 2 sources)."""
    found = set()
    for path in paths:
        try:
            compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            found.add(path)
    return found


_COMPILE_ALL = (
    "import sys\n"
    "for name in sys.argv[1:]:\n"
    "    try:\n"
    "        compile(open(name, 'rb').read(), name, 'exec')\n"
    "    except (SyntaxError, TypeError, ValueError) as error:\n"
    "        sys.stdout.write('%s: %s\\n' % (name, error))\n"
)


def compile_failures(python: str, paths: list[Path]) -> dict[str, str]:
    if not paths:
        return {}
    result = subprocess.run([python, "-c", _COMPILE_ALL, *map(str, paths)], capture_output=True, text=True, timeout=600)
    failures = {}
    for line in result.stdout.splitlines():
        name, _, why = line.partition(": ")
        failures[name] = why
    return failures


def run_tests(command: str, folder: Path) -> str:
    """The project's own suite on python2.7: "passed/total" (unittest's summary) or why not."""
    try:
        result = subprocess.run(command, shell=True, cwd=folder, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return "timeout"
    output = result.stdout + result.stderr
    ran = re.findall(r"^Ran (\d+) tests?", output, re.MULTILINE)
    total = sum(map(int, ran))
    bad = sum(int(n) for n in re.findall(r"(?:failures|errors)=(\d+)", output))
    if not ran:
        return f"no summary (exit {result.returncode})"
    return f"{total - bad}/{total}"


def measure(
    name: str,
    source: Path,
    labels: dict,
    min_python: tuple[int, int] | None,
    aggressive: bool,
    test_command: str | None,
) -> Project:
    project = Project(name)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / name
        shutil.copytree(source, folder, symlinks=True, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
        inputs = [(Path(path), explicit) for path, explicit in iter_files([str(folder)])]  # the walk gives str
        paths = [path for path, _ in inputs]
        project.files = len(paths)
        oldest = min_python or project_min_python([str(folder)])[0]
        project.min_python = ".".join(map(str, oldest))

        truth: dict[tuple[str, int, int], str] = {}  # (relative path, line, col) -> alias
        originals = {}
        for path in paths:
            text = path.read_bytes().decode("utf-8", "replace")
            originals[path] = text
            relative = str(path.relative_to(folder))
            for line, col, alias in alias_sites(text):
                if (name, relative, line) not in labels:
                    truth[(relative, line, col)] = alias
        project.true_sites = len(truth)
        false_sites = {(p, line) for (n, p, line) in labels if n == name}

        checked = check_files(inputs, CODES, oldest)
        reported = {}
        for outcome in checked:
            relative = str(outcome.path.relative_to(folder))
            for finding in outcome.findings:
                reported[(relative, finding.line, finding.code)] = finding
        for (relative, line, _col), alias in truth.items():
            finding = reported.get((relative, line, ALIAS_CODES[alias]))
            if finding is None:
                continue
            if finding.compat:
                project.compat += 1
            elif finding.possible:
                project.possible += 1
            else:
                project.certain += 1

        tests_folder = folder if test_command else None
        if test_command:
            project.tests_before = run_tests(test_command, tests_folder)

        python2 = python2_files(paths)
        pattern = prefilter(CODES)
        facts = tree_facts(check_each(inputs, CODES, TreeFacts(min_python=oldest)), inputs, oldest)
        changed = []
        rewritten_at = set()
        for path, explicit in inputs:
            outcome = fix_file(path, explicit, CODES, pattern, aggressive=aggressive, facts=facts)
            if not outcome.changed:
                continue
            changed.append(path)
            relative = str(path.relative_to(folder))
            for finding in outcome.fixed:
                rewritten_at.add((relative, finding.line, finding.code))
        for (relative, line, _col), alias in truth.items():
            if (relative, line, ALIAS_CODES[alias]) in rewritten_at:
                project.rewritten += 1
            else:
                finding = reported.get((relative, line, ALIAS_CODES[alias]))
                why = finding.message if finding else "not reported"
                project.left.append(f"{relative}:{line}: {alias}: {why}")
        for relative, line, code in sorted(rewritten_at):
            if (relative, line) in false_sites and code in ALIAS_CODES.values():
                project.false_rewrites.append(f"{relative}:{line} {code}")
        # The tokens agree: an alias fix claims a site only if the alias left that file.
        for path in changed:
            before = Counter(alias for _, _, alias in alias_sites(originals[path]))
            after = Counter(alias for _, _, alias in alias_sites(path.read_text(encoding="utf-8", errors="replace")))
            relative = str(path.relative_to(folder))
            claimed = Counter(code for (p, _, code) in rewritten_at if p == relative)
            for alias, code in ALIAS_CODES.items():
                if before[alias] - after[alias] < claimed[code]:
                    project.false_rewrites.append(f"{relative}: {code} claimed but the tokens did not change")

        for python, group in (
            ("python2.7", [p for p in changed if p in python2]),
            (sys.executable, [p for p in changed if p not in python2]),
        ):
            for failed, why in compile_failures(python, group).items():
                original = Path(failed)
                project.compile_failures.append(f"{original.relative_to(folder)}: {why}")

        for path, explicit in inputs:
            again = fix_file(path, explicit, CODES, pattern, aggressive=aggressive, facts=facts, write=False)
            if again.changed:
                project.idempotent = False
        if test_command:
            project.tests_after = run_tests(test_command, tests_folder)
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--labels", type=Path, default=HERE / "realworld.toml")
    parser.add_argument("--min-python", help="as `fix --min-python` (default: each project's own)")
    parser.add_argument("--aggressive", action="store_true")
    parser.add_argument("--tests", action="store_true", help="run the suites named in the labels file")
    parser.add_argument("--only", action="append", help="just this project (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="list the true sites left alone")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus}: not a folder of checked-out projects", file=sys.stderr)
        return 2
    labels = load_labels(args.labels)
    config = tomllib.loads(args.labels.read_text(encoding="utf-8")) if args.labels.exists() else {}
    commands = {entry["name"]: entry.get("tests") for entry in config.get("project", [])}
    min_python = parse_version(args.min_python) if args.min_python else None
    projects = []
    for folder in sorted(p for p in args.corpus.iterdir() if p.is_dir()):
        if args.only and folder.name not in args.only:
            continue
        command = commands.get(folder.name) if args.tests else None
        projects.append(measure(folder.name, folder, labels, min_python, args.aggressive, command))
    if args.json:
        print(json.dumps([asdict(p) | {"rate": p.rate} for p in projects], indent=2))
    else:
        report(projects, args.verbose)
    total = sum(p.true_sites for p in projects)
    done = sum(p.rewritten for p in projects)
    broken = any(p.false_rewrites or p.compile_failures or not p.idempotent for p in projects)
    return 1 if broken or (total and done / total < 0.9) else 0


def report(projects: list[Project], verbose: bool) -> None:
    header = (
        f"{'project':<12} {'files':>5} {'min':>4} {'true':>5} {'cert':>5} {'poss':>5} {'compat':>6} "
        f"{'fixed':>5} {'rate':>6} {'false':>5} {'compile':>7} {'idem':>4}  tests before -> after"
    )
    print(header)
    print("-" * len(header))
    for p in projects:
        tests = f"{p.tests_before} -> {p.tests_after}" if p.tests_before else ""
        print(
            f"{p.name:<12} {p.files:>5} {p.min_python:>4} {p.true_sites:>5} {p.certain:>5} {p.possible:>5} "
            f"{p.compat:>6} {p.rewritten:>5} {p.rate:>6.0%} {len(p.false_rewrites):>5} "
            f"{'ok' if not p.compile_failures else len(p.compile_failures):>7} {'yes' if p.idempotent else 'NO':>4}"
            f"  {tests}"
        )
    total = sum(p.true_sites for p in projects)
    done = sum(p.rewritten for p in projects)
    print("-" * len(header))
    print(
        f"{'all':<12} {sum(p.files for p in projects):>5} {'':>4} {total:>5} "
        f"{sum(p.certain for p in projects):>5} {sum(p.possible for p in projects):>5} "
        f"{sum(p.compat for p in projects):>6} {done:>5} {done / total if total else 1:>6.0%} "
        f"{sum(len(p.false_rewrites) for p in projects):>5}"
    )
    for p in projects:
        for line in p.false_rewrites:
            print(f"FALSE REWRITE {p.name}/{line}")
        for line in p.compile_failures:
            print(f"DOES NOT COMPILE {p.name}/{line}")
        if verbose:
            for line in p.left:
                print(f"left {p.name}/{line}")


if __name__ == "__main__":
    sys.exit(main())
