"""Fail when `pyupgrade --py39-plus` would change a file; never rewrites the tree.

pyupgrade takes file names and edits in place, so it runs here on copies.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FOLDERS = ("modern", "src", "tests", "benchmarks", "tools")
# Scripts that also run on Python 2.7, so the py39-plus spelling would break them.
PYTHON2_TOO = {Path("src/threadport/ledger_probe.py")}


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    files = sorted(
        p for folder in FOLDERS for p in (root / folder).rglob("*.py") if p.relative_to(root) not in PYTHON2_TOO
    )
    with tempfile.TemporaryDirectory() as scratch:
        copies = []
        for path in files:
            copy = Path(scratch) / path.relative_to(root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            copies.append(copy)
        done = subprocess.run([sys.executable, "-m", "pyupgrade", "--py39-plus", *map(str, copies)])
        changed = [str(p.relative_to(scratch)) for p, o in zip(copies, files) if p.read_bytes() != o.read_bytes()]
    if changed:
        print(f"pyupgrade --py39-plus would change {len(changed)} file(s): {', '.join(changed)}")
        return 1
    if done.returncode != 0:  # it changed nothing, so it failed: not installed, or it crashed
        print(f"pyupgrade --py39-plus failed (exit status {done.returncode}); nothing was checked")
        return done.returncode
    print(f"pyupgrade --py39-plus: {len(files)} files unchanged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
