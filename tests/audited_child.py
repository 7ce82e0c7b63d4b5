"""clock/child.py run under a test's audit hook (3.8+), to count what a run or its fork
server does: the files it opens, the sources it compiles.

A wrapper script is the test's own lines, which define ``child`` (child.py's path) and
``hook(event, args)``, then RUN_CHILD: the hook added, and child.py run as its own script
would be, with the wrapper's argv."""

RUN_CHILD = """
sys.addaudithook(hook)
sys.argv[0] = __file__ = child
sys.path[0] = os.path.dirname(child)
with open(child, "rb") as handle:
    code = compile(handle.read(), child, "exec")
exec(code)
"""
