# A probe for tests/pairs/test_thread_api.py, in the common subset of Python 2.7
# and 3.x: call old camelCase threading names and print what each one did.
# Run with -W error::DeprecationWarning, a deprecated name raises instead of warning.
import threading


def _calls():
    thread = threading.Thread(target=lambda: None)
    event = threading.Event()
    condition = threading.Condition()

    def notify_all_old():
        with condition:
            condition.notifyAll()

    return {
        "isAlive": lambda: thread.isAlive(),
        "getName": thread.getName,
        "setName": lambda: thread.setName("renamed"),
        "isDaemon": thread.isDaemon,
        "setDaemon": lambda: thread.setDaemon(True),
        "currentThread": threading.currentThread,
        "activeCount": threading.activeCount,
        "isSet": event.isSet,
        "notifyAll": notify_all_old,
    }


def call_each(*names):
    calls = _calls()
    for name in names:
        try:
            calls[name]()
            outcome = "ok"
        except (AttributeError, DeprecationWarning) as error:
            outcome = type(error).__name__
        print(name + ": " + outcome)
