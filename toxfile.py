"""tox's inline plugin (tox loads toxfile.py next to tox.ini): how often tox polls its envs' output.

tox reads each running command's stdout and stderr in a thread of its own, which waits for
output at most 50 ms at a time and then checks whether it has been asked to stop (tox's
_TIMEOUT_FOR_INTERRUPT). `tox -p all` runs fourteen envs here, so about 28 such threads wake
20 times a second each for the whole run: about 4 s of CPU in a 4-minute run on two cores
(28 threads polling for 20 s: 0.35 s of CPU at 50 ms, 0.02 s at 1 s), more on a busy machine,
where the run takes longer. A reader ends without that check when its stream ends (the
command's exit closes it); the stop request only matters when the stream outlives the command
(a process it left running still holds it), and then waiting up to a second is enough.
"""

from __future__ import annotations

# Private to tox: if a later tox moves or renames it, this does nothing (and tox polls at its
# own rate); a plugin that failed to import would stop tox itself.
try:
    from tox.execute.local_sub_process import read_via_thread_unix
except ImportError:
    read_via_thread_unix = None
if hasattr(read_via_thread_unix, "_TIMEOUT_FOR_INTERRUPT"):
    read_via_thread_unix._TIMEOUT_FOR_INTERRUPT = 1.0
