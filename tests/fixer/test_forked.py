"""forked.py: check's passes shared with forked copies of the process give what one process gives,
whatever happens to a helper."""

from __future__ import annotations

import os
import select
import threading

import pytest
from availability import unavailable

from threadport.fixer import forked


@pytest.fixture(autouse=True)
def _can_fork():
    if not forked.can_fork():
        unavailable("forked.py needs os.fork and no other thread in the test process", "THREADPORT_REQUIRE_POOL")


class Handshake:
    """Each process's first item says it started, then waits until the other one has started
    one too: so both this process and its helper do items however the scheduler runs them
    (either one could otherwise take every item first), and no sleep guesses how long that takes."""

    def __init__(self) -> None:
        self.parent = os.getpid()
        self.pipes = {"parent": os.pipe(), "helper": os.pipe()}
        self.started = False

    def __call__(self, item: int) -> tuple[int, int]:
        if not self.started:  # (a helper starts with this process's state: false until it starts)
            self.started = True
            me, other = ("parent", "helper") if os.getpid() == self.parent else ("helper", "parent")
            os.write(self.pipes[me][1], b"x")
            ready, _, _ = select.select([self.pipes[other][0]], [], [], 120)
            assert ready, f"the {other} did no item in 120 s"
        return item * item, os.getpid()

    def close(self) -> None:
        for pipe in self.pipes.values():
            for end in pipe:
                os.close(end)


def shared_with_a_helper(count: int) -> list[tuple[int, int]]:
    """``range(count)`` squared by this process and one helper, each item with the pid that did it."""
    work = Handshake()
    try:
        return forked.ForkedShare(1).map(work, list(range(count)))
    finally:
        work.close()


def test_items_are_shared_and_come_back_in_order():
    done = shared_with_a_helper(300)
    assert [square for square, _ in done] == [i * i for i in range(300)]
    pids = {pid for _, pid in done}
    assert os.getpid() in pids and len(pids) == 2  # this process and its helper both worked


def test_chunks_cover_every_item_once_when_the_tasks_are_fewer_than_the_items(monkeypatch):
    monkeypatch.setattr(forked, "MAX_TASKS", 7)  # 300 items in chunks of 43: the last one short
    done = shared_with_a_helper(300)
    assert [square for square, _ in done] == [i * i for i in range(300)]
    assert len({pid for _, pid in done}) == 2
    # what one process pulls: every item of every chunk (else this process redid them at the end)
    pulled, tasks = {}, forked._tasks(range(0, 300, 43))
    try:
        forked._pull(lambda item: -item, list(range(300)), 43, tasks, pulled)
    finally:
        os.close(tasks)
    assert pulled == {i: -i for i in range(300)}


def test_a_helper_that_dies_leaves_its_items_to_this_process():
    parent = os.getpid()

    def dies_in_helpers(item: int) -> tuple[int, int]:
        if os.getpid() != parent:
            os._exit(9)  # killed mid-way: whatever it took is done here
        return item + 1, os.getpid()

    done = forked.ForkedShare(2).map(dies_in_helpers, list(range(50)))
    assert done == [(i + 1, parent) for i in range(50)]


def test_a_helper_that_raises_leaves_its_items_to_this_process():
    parent = os.getpid()

    def raises_in_helpers(item: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in a helper")
        return -item

    assert forked.ForkedShare(1).map(raises_in_helpers, list(range(50))) == [-i for i in range(50)]


def test_what_fails_here_fails_as_it_would_in_one_process_and_no_helper_is_left(monkeypatch):
    helpers = []
    real = forked._fork_helper
    monkeypatch.setattr(forked, "_fork_helper", lambda *args: helpers.append(real(*args)) or helpers[-1])
    parent = os.getpid()
    never, _ = pipe = os.pipe()

    def fails_here(item: int) -> int:
        if os.getpid() != parent:
            os.read(never, 1)  # a helper is still busy when this process fails: it is stopped
        raise ValueError(f"item {item}")

    try:
        with pytest.raises(ValueError, match="item"):
            forked.ForkedShare(2).map(fails_here, list(range(40)))
    finally:
        for end in pipe:
            os.close(end)
    assert len(helpers) == 2
    for pid, _ in helpers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # gone and reaped: not even a zombie left


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.can_fork()
        done = forked.ForkedShare(1).map(lambda item: os.getpid(), list(range(20)))
    finally:
        stop.set()
        other.join()
    assert set(done) == {os.getpid()}
    assert forked.can_fork()


def test_meanwhile_runs_here_once_while_the_helper_takes_items():
    """``meanwhile`` is this process's own work, done after the helper is forked: it waits
    here until the helper has done an item (were it run before the fork, nothing would)."""
    parent = os.getpid()
    started, signal_start = os.pipe()
    calls = []

    def square(item: int) -> tuple[int, int]:
        if os.getpid() != parent and item >= 0:
            os.write(signal_start, b"x")  # (once per item: far below the pipe's capacity)
        return item * item, os.getpid()

    def meanwhile() -> None:
        calls.append(os.getpid())
        ready, _, _ = select.select([started], [], [], 120)
        assert ready, "no helper did an item while this process did its own work"

    try:
        done = forked.ForkedShare(1).map(square, list(range(40)), meanwhile=meanwhile)
    finally:
        os.close(started)
        os.close(signal_start)
    assert calls == [parent]
    assert [square for square, _ in done] == [i * i for i in range(40)]
    assert {pid for _, pid in done} - {parent}  # the helper did some of them
    alone = []
    assert forked.ForkedShare(1).map(lambda item: -item, [5], meanwhile=lambda: alone.append(1)) == [-5]
    assert alone == [1]  # one item, no helper: still done once
