"""The virtual clock shim and the child driver, run inside the snippet's interpreter.

Both files are plain scripts in the common subset of Python 2.7 and 3.6+; the
runner starts ``child.py`` by path and never imports them into threadport.
"""

from pathlib import Path

CHILD_SCRIPT = Path(__file__).with_name("child.py")
