"""The child that runs a snippet, and what it loads, inside the snippet's interpreter.

child.py (the script: the code cache and its own second half, driver.py: main() and the
fork server's _serve()), virtual.py (the clock), quiet_exit.py and quiet_exit_py2.py (the
forked runs' quiet exit) are plain files in the common subset of Python 2.7 and 3.6+; the
runner starts ``child.py`` by path and never imports them into threadport.
"""

import os

# A str, not a pathlib.Path: pathlib (with urllib.parse and ipaddress) is no part of
# compare's start-up (tests/test_startup.py).
CHILD_SCRIPT = os.path.join(os.path.dirname(__file__), "child.py")
