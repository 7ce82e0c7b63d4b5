"""Wrong facts that were once written, kept from coming back in any text the project ships."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# Repository text read with a regular expression: the same on every Python, so CI runs it once
# (conftest: every_python), not in each env of the matrix.
pytestmark = pytest.mark.interpreter_free("reads the shipped texts only")

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = [
    ROOT / "README.md",
    *sorted((ROOT / "src/threadport").rglob("*.py")),
    *sorted((ROOT / "src/threadport").rglob("*.html")),
    *sorted((ROOT / "src/threadport").rglob("*.toml")),
    *sorted((ROOT / "modern").glob("*.py")),
]
# The aliases emit a DeprecationWarning; only `-W error` turns it into an exception.
RAISES_A_WARNING = re.compile(r"\braise[sd]? an? (Pending)?DeprecationWarning", re.IGNORECASE)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_text_says_a_deprecation_warning_is_raised(path):
    text = path.read_text(encoding="utf-8")
    assert not RAISES_A_WARNING.search(text), f"{path}: the aliases emit the warning, they do not raise it"
