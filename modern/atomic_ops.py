"""Python 3 twin of legacy/atomic_ops.py: the seed's atomic operations, with controls.

Each operation of the seed's (effbot's) list is raced by two threads in a
harness that forces a thread switch before every bytecode of the operation,
beside a control row: a look-alike that is not atomic (``x += 1``,
``d[k] = d[k] + 1``, ``L[:] = L + [x]``, check-then-act, a state kept in two
variables). The control goes wrong in every round, the atomic operation in
none, and every number printed is counted.

The switch is forced by a trace function that asks for opcode events
(``frame.f_trace_opcodes``, Python 3.7+) and, before each bytecode, hands the
turn to the other thread and waits for it to come back: one thread runs at a
time, so every run interleaves the same way. (Python 2 has only line events;
the legacy harness gives each bytecode its own line number instead.)

These operations are atomic because CPython runs each as one bytecode or one C
call; the docs describe that as the current implementation, not a language
guarantee. Compound operations (read, modify, write) need a lock.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import FrameType

# The harness decides every switch, so each round interleaves exactly as the one
# before: further rounds repeat the same count and add no evidence; two show that it repeats.
ROUNDS = 2

Round = tuple[int, bool]  # (thread switches inside the operation, went wrong)


class Turns:
    """Two threads that run one at a time and hand the turn to each other."""

    def __init__(self) -> None:
        # A lock per thread, its baton: a thread waits for its turn by acquiring its own
        # lock, and the other thread gives it the turn by releasing that lock (any thread
        # may release a Lock, unlike an RLock). A hand-over is one release and one acquire.
        self.batons = [threading.Lock(), threading.Lock()]
        self.batons[1].acquire()  # thread 0 has the first turn
        self.finished = [False, False]
        self.switches = 0

    def start(self, me: int) -> None:
        self.batons[me].acquire()

    def hand_over(self, me: int) -> None:
        if self.finished[1 - me]:
            return  # nobody to hand the turn to
        self.switches += 1
        self.batons[1 - me].release()
        self.batons[me].acquire()

    def finish(self, me: int) -> None:
        self.finished[me] = True
        self.batons[1 - me].release()


def run_stepped(turns: Turns, me: int, operation: Callable[..., None], args: tuple, errors: list[Exception]) -> None:
    """Call operation(*args), handing the turn over before each of its bytecodes."""

    def step(frame: FrameType, event: str, arg: object) -> Callable | None:
        if event == "opcode":
            turns.hand_over(me)
        return step

    def on_call(frame: FrameType, event: str, arg: object) -> Callable | None:
        if frame.f_code is operation.__code__:
            frame.f_trace_opcodes = True
            return step
        return None

    turns.start(me)
    sys.settrace(on_call)
    try:
        operation(*args)
    except Exception as error:  # noqa: BLE001 - the round counts any failure
        errors.append(error)
    finally:
        sys.settrace(None)
        turns.finish(me)


def run_whole(turns: Turns, me: int, operation: Callable[..., None], args: tuple) -> None:
    """Call operation(*args) whole, once per turn, until the other thread is done."""
    turns.start(me)
    while not turns.finished[1 - me]:
        operation(*args)
        turns.hand_over(me)
    turns.finish(me)


def _run_pair(first: tuple, second: tuple) -> None:
    """Run first in a new thread (thread 0) and second in this one (thread 1), each a target
    and then its arguments; return when both are done."""
    thread_0 = threading.Thread(target=first[0], args=first[1:])
    thread_0.start()
    second[0](*second[1:])
    thread_0.join()


# True during a row's warm-up round (rounds()): the traced operation runs alone.
warming_up = False


def warm_up(operation: Callable[..., None], args: tuple) -> tuple[int, list[Exception]]:
    """Call operation(*args) traced as in a race, in this thread alone: no other thread
    is waiting, so each hand-over returns at once."""
    turns, errors = Turns(), []
    turns.finished[1] = True
    run_stepped(turns, 0, operation, args, errors)
    return turns.switches, errors


def race(operation: Callable[..., None], args_first: tuple, args_second: tuple) -> tuple[int, list[Exception]]:
    """Both threads run operation, taking turns bytecode by bytecode (lockstep)."""
    if warming_up:
        return warm_up(operation, args_first)
    turns, errors = Turns(), []
    _run_pair(
        (run_stepped, turns, 0, operation, args_first, errors),
        (run_stepped, turns, 1, operation, args_second, errors),
    )
    return turns.switches, errors


def interrupt(
    operation: Callable[..., None], args: tuple, other: Callable[..., None], other_args: tuple
) -> tuple[int, list[Exception]]:
    """One thread runs operation; before each of its bytecodes the other runs other() whole."""
    if warming_up:
        return warm_up(operation, args)
    turns, errors = Turns(), []
    _run_pair((run_stepped, turns, 0, operation, args, errors), (run_whole, turns, 1, other, other_args))
    return turns.switches, errors


def report(label: str, what: str, rows: list[Round]) -> None:
    """One row of the table: how many rounds switched inside the operation, how many went wrong."""
    switched = sum(switches > 0 for switches, _ in rows)
    wrong = sum(went_wrong for _, went_wrong in rows)
    print(f"  {label}: switched inside it in {switched} of {len(rows)} rounds, {what} in {wrong}")


# -- the operations: each is one function, so the harness can step it ------


class Box:
    """An object whose attributes the threads replace."""

    value: tuple[int, int] = (0, 0)
    low = high = count = 0


box = Box()
pair = (0, 0)
low = high = 0
total = 0


def replace_attribute(r: int) -> None:
    box.value = (r, -r)


def replace_two_attributes(r: int) -> None:
    box.low = r
    box.high = -r


def read_attribute(seen: list[tuple[int, int]]) -> None:
    seen.append(box.value)


def read_two_attributes(seen: list[tuple[int, int]]) -> None:
    seen.append((box.low, box.high))


def add_to_attribute() -> None:
    box.count += 1


def replace_global(r: int) -> None:
    global pair
    pair = (r, -r)


def replace_two_globals(r: int) -> None:
    global low, high
    low = r
    high = -r


def read_global(seen: list[tuple[int, int]]) -> None:
    seen.append(pair)


def read_two_globals(seen: list[tuple[int, int]]) -> None:
    seen.append((low, high))


def add_to_global() -> None:
    global total
    total += 1


def pop_job(jobs: list[int], taken: list[int]) -> None:
    try:
        taken.append(jobs.pop())
    except IndexError:
        pass  # the other thread took it


def take_job_if_any(jobs: list[int], taken: list[int]) -> None:
    if jobs:
        taken.append(jobs[-1])
        del jobs[-1]


def append(items: list[tuple[int, int]], x: tuple[int, int]) -> None:
    items.append(x)


def append_by_copy(items: list[tuple[int, int]], x: tuple[int, int]) -> None:
    items[:] = items + [x]


def pop_item(table: dict[str, int], taken: list[int]) -> None:
    value = table.pop("job", None)
    if value is not None:
        taken.append(value)


def take_item_if_any(table: dict[str, int], taken: list[int]) -> None:
    if "job" in table:
        taken.append(table["job"])
        del table["job"]


def set_item(table: dict[tuple[int, int], bool], key: tuple[int, int]) -> None:
    table[key] = True


def add_to_item(table: dict[str, int]) -> None:
    table["hits"] = table["hits"] + 1


def clear(table: dict[tuple[str, int], int]) -> None:
    table.clear()


def clear_key_by_key(table: dict[tuple[str, int], int]) -> None:
    for key in list(table):
        del table[key]


# -- the rounds: each sets up fresh state and judges what it counted --------


def torn(seen: list[tuple[int, int]]) -> bool:
    return any(a != -b for a, b in seen)


def attribute_round(operation: Callable[[int], None], read: Callable[[list], None], r: int) -> Round:
    box.value, box.low, box.high = (0, 0), 0, 0
    seen: list[tuple[int, int]] = []
    switches, errors = interrupt(operation, (r,), read, (seen,))
    return switches, torn(seen) or bool(errors)


def global_round(operation: Callable[[int], None], read: Callable[[list], None], r: int) -> Round:
    global pair, low, high
    pair, low, high = (0, 0), 0, 0
    seen: list[tuple[int, int]] = []
    switches, errors = interrupt(operation, (r,), read, (seen,))
    return switches, torn(seen) or bool(errors)


def attribute_sum_round(r: int) -> Round:
    box.count = 0
    switches, errors = race(add_to_attribute, (), ())
    return switches, box.count != 2 or bool(errors)


def global_sum_round(r: int) -> Round:
    global total
    total = 0
    switches, errors = race(add_to_global, (), ())
    return switches, total != 2 or bool(errors)


def take_round(operation: Callable[..., None], one_job: Callable[[int], list[int] | dict[str, int]], r: int) -> Round:
    jobs, taken = one_job(r), []
    switches, errors = race(operation, (jobs, taken), (jobs, taken))
    return switches, taken != [r] or bool(errors)


def append_round(operation: Callable[..., None], r: int) -> Round:
    items: list[tuple[int, int]] = []
    switches, errors = race(operation, (items, (0, r)), (items, (1, r)))
    return switches, sorted(items) != [(0, r), (1, r)] or bool(errors)


def set_item_round(r: int) -> Round:
    table: dict[tuple[int, int], bool] = {}
    switches, errors = race(set_item, (table, (0, r)), (table, (1, r)))
    return switches, len(table) != 2 or bool(errors)


def add_to_item_round(r: int) -> Round:
    table = {"hits": 0}
    switches, errors = race(add_to_item, (table,), (table,))
    return switches, table["hits"] != 2 or bool(errors)


def clear_round(operation: Callable[..., None], r: int) -> Round:
    table = {("a", r): 1, ("b", r): 2}
    switches, errors = race(operation, (table,), (table,))
    return switches, len(table) != 0 or bool(errors)


def rounds(play: Callable[..., Round], *args: object) -> list[Round]:
    """Round 0 warms up, uncounted, with the traced operation alone: here Python 3.12 and
    3.13 gave a function no opcode events on its first traced call (PEP 669 reimplemented
    settrace; see gh-103615). Each round sets up its state afresh."""
    global warming_up
    warming_up = True
    try:
        play(*args, 0)
    finally:
        warming_up = False
    return [play(*args, r) for r in range(1, ROUNDS + 1)]


def demo() -> None:
    """Every operation of the seed's list and its control, under forced thread switches."""
    print(f"two threads per round, {ROUNDS} rounds per row; the harness switches threads")
    print("before every bytecode of the operation (after one uncounted warm-up round)")

    print("reading or replacing a single instance attribute")
    report(
        "box.value = (r, -r), read by the other thread",
        "a torn read",
        rounds(attribute_round, replace_attribute, read_attribute),
    )
    report(
        "control: box.low = r; box.high = -r",
        "a torn read",
        rounds(attribute_round, replace_two_attributes, read_two_attributes),
    )
    report("control: box.count += 1 in both threads", "a lost update", rounds(attribute_sum_round))

    print("reading or replacing a single global variable")
    report("pair = (r, -r), read by the other thread", "a torn read", rounds(global_round, replace_global, read_global))
    report("control: low = r; high = -r", "a torn read", rounds(global_round, replace_two_globals, read_two_globals))
    report("control: total += 1 in both threads", "a lost update", rounds(global_sum_round))

    print("fetching an item from a list")
    report(
        "jobs.pop() in both threads, one job",
        "a job taken twice or an error",
        rounds(take_round, pop_job, lambda r: [r]),
    )
    report(
        "control: if jobs: take jobs[-1], del jobs[-1]",
        "a job taken twice or an error",
        rounds(take_round, take_job_if_any, lambda r: [r]),
    )

    print("modifying a list in place")
    report("items.append(x) in both threads", "a lost item", rounds(append_round, append))
    report("control: items[:] = items + [x]", "a lost item", rounds(append_round, append_by_copy))

    print("fetching an item from a dictionary")
    report(
        "table.pop('job', None) in both threads, one job",
        "a job taken twice or an error",
        rounds(take_round, pop_item, lambda r: {"job": r}),
    )
    report(
        "control: if 'job' in table: take table['job'], del it",
        "a job taken twice or an error",
        rounds(take_round, take_item_if_any, lambda r: {"job": r}),
    )

    print("modifying a dictionary in place")
    report("table[key] = True, a key per thread", "a lost key", rounds(set_item_round))
    report("control: table['hits'] = table['hits'] + 1", "a lost update", rounds(add_to_item_round))
    report("table.clear() in both threads", "a key left or an error", rounds(clear_round, clear))
    report(
        "control: for key in list(table): del table[key]",
        "a key left or an error",
        rounds(clear_round, clear_key_by_key),
    )
