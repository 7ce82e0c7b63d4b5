"""The virtual clock shim and the child driver, run inside the snippet's interpreter.

Both files are plain scripts in the common subset of Python 2.7 and 3.6+; the
runner starts ``child.py`` by path and never imports them into threadport.
"""

import os

# A str, not a pathlib.Path: pathlib (with urllib.parse and ipaddress) is no part of
# compare's start-up (tests/test_startup.py).
CHILD_SCRIPT = os.path.join(os.path.dirname(__file__), "child.py")
