"""Does the prefilter lose a finding? Every file of a tree analysed with and without it.

    python benchmarks/prefilter_recall.py [FOLDER ...]

Without folders: CPython 3.13's standard library (with its tests) and 2.7's, copied as
bench_check.py copies them (site-packages left out). Each file is analysed twice by check_file:
once as if named on the command line (no prefilter: every file parsed and walked), once
as the walk of a folder sees it (parsed only if the prefilter lets it through). The
findings must be identical, file by file; the files where they differ are named, and the
exit status is 1. Also printed: how many files each way parses, and how many of those the
prefilter lets through without a finding (the parses a tighter trigger could still save).
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_check import copy_corpus, pyenv_root  # noqa: E402 - the same corpora as bench_check

from threadport.fixer import CODES  # noqa: E402
from threadport.fixer.files import Prefilter, check_file, in_order  # noqa: E402
from threadport.fixer.walk import iter_files  # noqa: E402


def _both_ways(path: Path, pattern: Prefilter) -> tuple[str, list[tuple], list[tuple], bool]:
    """(path, findings without the prefilter, findings with it, let through?)"""

    def rows(explicit: bool) -> list[tuple]:
        outcome = check_file(path, explicit, CODES, pattern)
        return [(f.code, f.line, f.col, f.message, f.possible) for f in outcome.findings]

    passed = False
    try:
        from threadport.fixer.source import read_bytes

        passed = pattern.search(read_bytes(path))
    except Exception:  # noqa: BLE001 - unreadable: check_file reports it both ways
        pass
    return str(path), rows(True), rows(False), passed


def compare(folder: Path) -> int:
    started = time.perf_counter()
    paths = [path for path, _ in iter_files([str(folder)])]
    results = in_order(functools.partial(_both_ways, pattern=Prefilter(CODES)), paths, minimum=2)
    unfiltered = sum(len(without) for _, without, _, _ in results)
    filtered = sum(len(with_) for _, _, with_, _ in results)
    differ = [(path, without, with_) for path, without, with_, _ in results if without != with_]
    through = [path for path, _, _, passed in results if passed]
    idle = [path for path, without, _, passed in results if passed and not without]
    print(f"{folder}: {len(paths)} files ({time.perf_counter() - started:.0f} s)")
    print(f"    findings without the prefilter: {unfiltered} in {sum(bool(w) for _, w, _, _ in results)} files")
    print(f"    findings with the prefilter:    {filtered} in {sum(bool(w) for _, _, w, _ in results)} files")
    print(f"    files the prefilter lets through: {len(through)}, of which without a finding: {len(idle)}")
    for path in idle:
        print(f"        let through, no finding: {Path(path).relative_to(folder)}")
    for path, without, with_ in differ:
        lost = [row for row in without if row not in with_]
        print(f"    DIFFERENT {path}: {len(lost)} finding(s) lost, e.g. {lost[:2]}")
    print(f"    IDENTICAL: {'yes' if not differ else 'NO'} ({unfiltered} vs {filtered} findings)")
    return len(differ)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="threadport-recall-") as scratch:
        folders = args.folders
        if not folders:
            root = pyenv_root() / "versions"
            sources = {"py313": root / "3.13.0/lib/python3.13", "py27": root / "2.7.18/lib/python2.7"}
            missing = [str(source) for source in sources.values() if not source.is_dir()]
            if missing:
                print(f"missing corpus {', '.join(missing)} (pyenv install 3.13.0 2.7.18)")
                return 2
            folders = [copy_corpus(source, Path(scratch) / name) for name, source in sources.items()]
        different = 0
        for folder in folders:
            if not folder.is_dir():
                print(f"missing {folder}")
                return 2
            different += compare(folder)
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
