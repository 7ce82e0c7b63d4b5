"""One rule for tests that need something a machine may lack (python2.7, a Python 3, a browser).

Elsewhere the test is skipped with a reason that says how to get the missing
thing; where the named environment variable is "1" (tox and .ci/run set them)
it fails instead, so that CI can never pass by skipping.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(reason: str, required_by: str) -> NoReturn:
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{required_by}=1 but {reason}")
    pytest.skip(reason)
