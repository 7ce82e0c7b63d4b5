"""What each pair teaches, written out by hand: the renames the tour must emphasise.

Deliberately not derived from the catalogue (threadport.emphasis derives them from the
note titles): the tests compare the two, so a note title that stops naming its API, or a
derivation that starts missing one, turns them red.
"""

KEY_RENAMES: dict[str, tuple[set[str], set[str]]] = {
    "threading_notes": ({"isAlive", "print"}, {"is_alive", "print"}),
    "thread_api": ({"isAlive", "getName", "setName", "isDaemon", "setDaemon"}, {"is_alive"}),
    "daemon_exit": ({"setDaemon"}, {"daemon", "with"}),
    "graceful_stop": ({"isSet"}, {"is_set", "wait"}),
    "atomic_ops": ({"xrange", "print"}, {"range"}),
    "rmw_counter": ({"acquire", "release"}, {"with"}),
    "condition_rlock": ({"notifyAll", "acquire", "release"}, {"notify_all", "with"}),
    "worker_pool": ({"thread", "Queue"}, {"_thread", "queue"}),
    "introspection": ({"currentThread", "activeCount", "getName"}, {"current_thread", "active_count", "name"}),
}
