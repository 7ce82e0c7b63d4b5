"""The mark of a test that runs a legacy twin on python2.7 and reads what it printed: the Python 3
running pytest only starts the run and reads its transcript, so conftest turns the mark
(interpreter_free) into every_python and CI runs the test once, in the every-python env, beside
the modern halves of the same pairs, instead of once in each env of the matrix."""

from __future__ import annotations

import pytest

LEGACY_TWIN_ON_27 = pytest.mark.interpreter_free(
    "a run of the legacy twin on python2.7: the Python running pytest only starts it and reads its transcript"
)
