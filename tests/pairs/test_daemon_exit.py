"""daemon_exit runs a child interpreter: whatever the child prints on stderr (a traceback,
a warning) must reach the demo's own stderr on both sides, so that the paired comparison
sees it. Each side is run from a copy whose child also writes one line to stderr."""

from __future__ import annotations

import sys

import pytest

from threadport.catalog import get_pair
from threadport.runner import run_entry

PAIR = get_pair("daemon_exit")
LINE = "child: a line on stderr"
EXTRA = {
    "legacy": f"\n    sys.stderr.write('{LINE}\\n')\n",
    "modern": f'\n    print("{LINE}", file=sys.stderr)\n',
}


def with_child_stderr(source, side: str, folder):
    """A copy of ``source`` whose child() ends by writing LINE to stderr."""
    text = source.read_text(encoding="utf-8")
    marker = "\n\ndef demo("
    assert marker in text and "import sys" in text
    copy = folder / source.name
    copy.write_text(text.replace(marker, EXTRA[side] + marker, 1), encoding="utf-8")
    return copy


@pytest.mark.legacy
@pytest.mark.parametrize("side", ["legacy", "modern"])
def test_the_childs_stderr_reaches_the_transcript(side, legacy_python, tmp_path):
    python, source = (legacy_python, PAIR.legacy_path) if side == "legacy" else (sys.executable, PAIR.modern_path)
    plain = run_entry(python, source, "demo", timeout=60)
    assert plain.stderr == [] and plain.exit == 0
    copy = with_child_stderr(source, side, tmp_path)
    shown = run_entry(python, copy, "demo", timeout=60)
    assert shown.stderr == [LINE] and shown.exit == 0
    assert shown.stdout == plain.stdout
