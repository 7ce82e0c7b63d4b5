"""Receivers proven from how the code reaches them: the assignment on every path to the site,
an attribute of an instance of a local class, a parameter of a function no one else can call.
Each rewrite has near misses that break the proof and must stay possible."""

import pytest
from fixer_helpers import fix, severities, src

# paramiko's Transport.start_client: the parameter is replaced before the loop that reads it.
DOMINATED = """
    import threading
    def start_client(self, event=None):
        if event is not None:
            self.completion_event = event
            return
        self.completion_event = event = threading.Event()
        self.start()
        while True:
            event.wait(0.1)
            if event.isSet():
                break
            {extra}
    """

# paramiko's demo server: an attribute read on an instance, not on self.
INSTANCE = """
    import threading
    class Server(object):
        def __init__(self):
            self.event = threading.Event()
    server = Server()
    {extra}
    if not server.event.isSet():
        pass
    """

# kazoo's test_lock: a nested function run by a Thread with the event in ``args``.
THREAD_TARGET = """
    import threading
    def test_lock(self):
        e = threading.Event()
        def _thread(lock, event, timeout):
            with lock:
                event.wait(timeout)
                if not event.isSet():
                    self.fail()
        t = threading.Thread(target=_thread, args=(self.lock, e, 3))
        t.start()
        {extra}
    """

# paramiko's test_transport: a local Thread class keeping the event it is given.
LOCAL_CLASS = """
    import threading
    def test_deadlock(self):
        class SendThread(threading.Thread):
            def __init__(self, chan, done_event):
                threading.Thread.__init__(self)
                self.chan = chan
                self.done_event = done_event
            def run(self):
                if self.done_event.isSet():
                    return
        done_event = threading.Event()
        st = SendThread(self.chan, done_event)
        st.start()
        {extra}
    """


def _made(template: str, extra: str) -> str:
    return src(template.format(extra=extra))


REWRITES = [
    pytest.param(_made(DOMINATED, "pass"), "event.is_set()", id="assigned-on-every-path"),
    pytest.param(_made(INSTANCE, "pass"), "server.event.is_set()", id="instance-attribute"),
    pytest.param(_made(THREAD_TARGET, "pass"), "event.is_set()", id="thread-target-parameter"),
    pytest.param(_made(LOCAL_CLASS, "pass"), "self.done_event.is_set()", id="local-class-constructor-argument"),
]

NOOPS = [
    # a later binding in the loop comes back round to the site
    pytest.param(_made(DOMINATED, "event = self.other()"), id="rebound-later-in-the-loop"),
    pytest.param(
        _made(DOMINATED.replace("self.completion_event = event = threading.Event()", "pass"), ""), id="only-param"
    ),
    # a nested function may rebind the local
    pytest.param(
        _made(DOMINATED, "def f():\n                nonlocal event\n                event = 1"), id="nonlocal-in-nested"
    ),
    pytest.param(_made(INSTANCE, "server.event = FakeEvent()"), id="instance-attribute-replaced"),
    pytest.param(_made(THREAD_TARGET, "_thread(self.lock, FakeEvent(), 1)"), id="target-also-called-with-a-stranger"),
    pytest.param(_made(THREAD_TARGET, "self.keep = _thread"), id="target-escapes"),
    pytest.param(
        _made(THREAD_TARGET, "threading.Thread(target=_thread, args=self.args)"), id="target-args-not-literal"
    ),
    pytest.param(
        _made(THREAD_TARGET, "Runner(target=_thread, args=(self.lock, e, 3))"), id="target-of-another-callable"
    ),
    pytest.param(
        _made(THREAD_TARGET, "threading.Thread(target=_thread, args=(1, e, 3), kwargs=k)"), id="target-given-kwargs-too"
    ),
    pytest.param(_made(LOCAL_CLASS, "SendThread(self.chan, FakeEvent())"), id="class-built-with-a-stranger"),
    pytest.param(_made(LOCAL_CLASS, "return SendThread"), id="class-escapes"),
    pytest.param(_made(LOCAL_CLASS, "SendThread(self.chan, done_event=FakeEvent())"), id="class-built-by-keyword"),
    pytest.param(_made(LOCAL_CLASS, "st.__class__(self.chan, FakeEvent())"), id="class-built-through-__class__"),
    pytest.param(_made(LOCAL_CLASS, "type(st)(self.chan, FakeEvent())"), id="class-built-through-type"),
    pytest.param(_made(LOCAL_CLASS, "st.__init__(self.chan, FakeEvent())"), id="init-run-again"),
]


@pytest.mark.parametrize(("source", "expected"), REWRITES)
def test_rewrites(source, expected):
    assert "possible" not in severities(source, "TP005")
    assert expected in fix(source, "TP005")


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source):
    assert "possible" in severities(source, "TP005")
    assert "isSet" in fix(source, "TP005")


def test_a_module_level_function_is_anyones_to_call():
    source = src("""
        import threading
        def wait_for(event):
            if event.isSet():
                return
        wait_for(threading.Event())
        """)
    assert severities(source, "TP005") == ["possible"]
    assert fix(source, "TP005") == source


def test_a_public_method_is_anyones_to_call():
    source = src("""
        import threading
        class Handler(object):
            def wait_for_response(self, event):
                return event.isSet()
        def run():
            Handler().wait_for_response(threading.Event())
        """)
    assert severities(source, "TP005") == ["possible"]
    assert fix(source, "TP005") == source


def test_a_class_with_a_base_from_elsewhere_may_call_init_its_own_way():
    source = src(LOCAL_CLASS.format(extra="pass")).replace("(threading.Thread)", "(threading.Thread, Mixin)")
    assert "possible" in severities(source, "TP005")


def _work(monkeypatch, source: str) -> int:
    """How many bindings and attribute assignments the receivers went over for ``source``."""
    from threadport.fixer import receivers

    count = 0
    binding_kind, attribute_kind = receivers.Receivers._binding_kind, receivers.Receivers._attribute_kind

    def counting_binding(self, *args):
        nonlocal count
        count += 1
        return binding_kind(self, *args)

    def counting_attribute(self, *args):
        nonlocal count
        count += 1
        return attribute_kind(self, *args)

    monkeypatch.setattr(receivers.Receivers, "_binding_kind", counting_binding)
    monkeypatch.setattr(receivers.Receivers, "_attribute_kind", counting_attribute)
    assert set(severities(source, "TP009")) == {"certain"}
    return count


@pytest.mark.parametrize(
    "line",
    ["t = threading.Thread(target=f)\nt.setDaemon(True)\n", "self.t = threading.Thread()\nself.t.setDaemon(True)\n"],
    ids=["module-level-name", "attribute"],
)
def test_many_bindings_of_one_name_cost_linear_work(monkeypatch, line):
    def module(n):
        body = "".join(("        " + text + "\n") for _ in range(n) for text in line.splitlines())
        return (
            "import threading\nclass C(object):\n    def f(self):\n" + body
            if "self" in line
            else ("import threading\n" + line * n)
        )

    small, large = _work(monkeypatch, module(50)), _work(monkeypatch, module(200))
    assert large <= 5 * small  # 4x the sites: linear is 4x the work, quadratic would be 16x


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_bound_just_before_in_the_same_block_however_deep(depth):
    """``t = Thread(); t.setDaemon(True)``: the statements just before the site in its own
    block, not in the blocks around it (``t`` is bound to something else too: only the
    statement before can tell)."""
    indent = "    " * depth
    blocks = "".join("    " * level + "if ready:\n" for level in range(depth))
    source = (
        "import threading\nready = True\nt = None\n"
        + blocks
        + f"{indent}t = threading.Thread()\n{indent}t.setDaemon(True)\n"
    )
    assert severities(source, "TP009") == ["certain"]
