# Virtual clock for threaded snippets, injected into the child process.
#
# Written in the common subset of Python 2.7 and 3.6+, because the same file
# runs under both halves of every pair. It is loaded by clock/driver.py before
# the snippet, never imported by threadport itself.
#
# The idea is trio's MockClock(autojump_threshold=0), for threads: time stands
# still while any thread can run, and when every live thread is blocked (in a
# sleep, a lock, condition, event or queue wait, or a join) it jumps to the
# earliest deadline and wakes exactly one waiter. A thread woken by the clock
# therefore runs alone until it blocks again, so interleavings through sleep
# are the same on every run.
#
# Ties: waiters due at the same virtual instant wake in the order their waits
# began. In real time the thread that started waiting earlier has usually
# paid fewer wake-up delays on the way to that instant, so it wins the race;
# the seed's sleeper (one 10 s sleep) finishes before the poller's tenth 1 s
# sleep ends, and the virtual clock prints False at the tenth poll, as real time
# does unloaded; under load real time may print True (a race, declared in the
# catalogue), so the virtual transcript is one of the real outcomes, not all.
#
# Blocking is tracked at the bottom: threading's Lock, the lock behind RLock
# and Condition's waiter locks are replaced by VirtualLock, so Event,
# Condition, Semaphore, Barrier, Timer and queue all wait through the clock.

import collections
import heapq
import sys
import time as _time_module

try:
    import _thread as _thread_module
except ImportError:  # Python 2
    import thread as _thread_module

PY2 = sys.version_info[0] == 2
# Python 2's time.sleep(-1) fails in select() with IOError, a class of its own there
# (spelled through the module so that pyupgrade leaves the name alone).
_PY2_IO_ERROR = getattr(sys.modules.get("__builtin__"), "IOError", None)

_real_lock = _thread_module.allocate_lock
_get_ident = _thread_module.get_ident
_real_time = _time_module.time
_thread_error = _thread_module.error

# The classes below (but Deadlock) are old-style on Python 2: this file must pass
# `pyupgrade --py39-plus` unchanged, and pyupgrade strips both an `(object)` base and
# `__metaclass__ = type`. Nothing here needs new-style classes (no property, descriptor
# or super(); `__slots__` is only a hint there), and making them new-style on 2.7 was
# measured and gained no speed.


class Deadlock(Exception):
    """Every live thread is blocked and no wait has a deadline."""


class _Waiter:
    """One thread's parking place: a real lock that is held except while waking."""

    __slots__ = ("park", "queue", "timed_out", "timer")

    def __init__(self):
        self.park = _real_lock()
        self.park.acquire()
        self.timer = None
        self.queue = None
        self.timed_out = False


class VirtualClock:
    def __init__(self):
        self.now = 0.0
        self.epoch = _real_time()  # time.time() = epoch + now: plausible dates, exact deltas
        self.on_deadlock = None
        self._mutex = _real_lock()
        self._live = 1  # the main thread
        self._blocked = 0
        self._timers = []  # heap of [deadline, seq, waiter, active]
        self._seq = 0
        self._waiters = {}
        self._joiners = {}  # id(thread) -> waiters joining it
        self._finished = []  # Thread objects whose run is over but may still be tearing down
        # Python 3 only (see _reap_finished). An attribute, not the global PY2: thread_finished
        # must not read this module's globals (see _patched_bootstrap_inner).
        self._keeps_finished = not PY2

    # -- parking ---------------------------------------------------------

    def waiter(self):
        ident = _get_ident()
        waiter = self._waiters.get(ident)
        if waiter is None:
            waiter = self._waiters[ident] = _Waiter()
        return waiter

    def park(self, waiter, deadline):
        """Block the calling thread until woken; called with the mutex held, releases it.

        Returns True when the wait ended at its deadline rather than by a wake-up.
        """
        if deadline is not None:
            self._seq += 1
            waiter.timer = [deadline, self._seq, waiter, True]
            heapq.heappush(self._timers, waiter.timer)
        self._blocked += 1
        try:
            if self._blocked >= self._live:  # _advance_if_idle's own test, inline: most parks skip it
                self._advance_if_idle()
        except Deadlock:
            # Nobody can ever wake this thread: fail in it instead of hanging.
            self._blocked -= 1
            if waiter.timer is not None:
                waiter.timer[3] = False
                waiter.timer = None
            if waiter.queue is not None:
                waiter.queue.remove(waiter)
                waiter.queue = None
            self._mutex.release()
            raise
        self._mutex.release()
        waiter.park.acquire()
        if self._finished:  # _reap_finished's own test, inline
            self._reap_finished()
        return waiter.timed_out

    def wake(self, waiter, timed_out):
        """Make a parked thread runnable again; called with the mutex held."""
        if waiter.timer is not None:
            waiter.timer[3] = False
            waiter.timer = None
        if waiter.queue is not None:
            if timed_out:
                waiter.queue.remove(waiter)
            waiter.queue = None
        waiter.timed_out = timed_out
        self._blocked -= 1
        # Most of a hand-over's cost is the kernel's, around the GIL: in a sched_switch trace of
        # the atomic_ops demo (3.12, perf record with stacks) 379 switches were threads parking
        # and 488 more were the woken thread, run on the waker's CPU, preempting it at this
        # release while it holds the GIL, blocking in take_gil, and being woken again when the
        # waker parks. Waking last (just before the waker's own park) changed nothing, as the
        # preemption comes at the wake itself; a wake made without the GIL would (os.write to a
        # pipe per waiter: 40% fewer switches in a two-thread ping-pong), but it made rmw_counter
        # switch more, and costs each thread two descriptors that a run can see.
        waiter.park.release()

    def _advance_if_idle(self):
        if self._blocked < self._live:
            return
        while self._timers:
            deadline, _, waiter, active = heapq.heappop(self._timers)
            if active:
                self.now = max(self.now, deadline)
                self.wake(waiter, timed_out=True)
                return
        if self.on_deadlock is not None:
            self.on_deadlock()
        raise Deadlock("every thread is blocked and none has a deadline")

    def _reap_finished(self):
        # A thread reported finished before its interpreter thread state is gone,
        # so is_alive() can still say True for a moment on Python 3. A thread that
        # the clock wakes first waits for those to be really gone: it then sees
        # what real time would show after the same pause.
        if not self._finished:
            return
        self._mutex.acquire()
        finished, self._finished = self._finished, []
        self._mutex.release()
        for thread in finished:
            _original["join"](thread)

    # -- time ------------------------------------------------------------

    def sleep(self, *args, **kwargs):
        # time.sleep is a C function: one positional number, no keywords.
        if kwargs:
            raise TypeError("sleep() takes no keyword arguments")
        if len(args) != 1:
            raise TypeError("sleep() takes exactly one argument (" + str(len(args)) + " given)")
        seconds = _number(args[0])
        if seconds < 0:
            if PY2:  # Python 2's select() refuses it: IOError, EINVAL
                raise _PY2_IO_ERROR(22, "Invalid argument")
            raise ValueError("sleep length must be non-negative")
        waiter = self.waiter()
        self._mutex.acquire()
        self.park(waiter, self.now + seconds)

    def time(self):
        return self.epoch + self.now

    def monotonic(self):
        return self.now

    # -- threads ---------------------------------------------------------

    def thread_starting(self):
        self._mutex.acquire()
        self._live += 1
        self._mutex.release()

    def thread_finished(self, thread):
        self._mutex.acquire()
        self._live -= 1
        if thread is not None:
            thread._threadport_finished = True
            if self._keeps_finished:
                self._finished.append(thread)
            for waiter in self._joiners.pop(id(thread), ()):
                waiter.queue = None
                self.wake(waiter, timed_out=False)
        try:
            self._advance_if_idle()
        finally:
            self._mutex.release()

    def join(self, thread, timeout):
        self._mutex.acquire()
        if getattr(thread, "_threadport_finished", False):
            self._mutex.release()
            self._reap_finished()
            return
        if timeout is not None and timeout <= 0:
            self._mutex.release()
            return
        waiter = self.waiter()
        waiter.queue = self._joiners.setdefault(id(thread), [])
        waiter.queue.append(waiter)
        deadline = None if timeout is None else self.now + max(timeout, 0)
        self.park(waiter, deadline)


CLOCK = VirtualClock()


# -- the real signatures ------------------------------------------------------
# The clock may be faster than real time, never more lenient: each patched call
# takes exactly the arguments the interpreter's own C function takes, and fails
# with the same exception type otherwise (tests/test_clock_signatures.py runs the
# same calls with the clock off and on, on every interpreter).


def _number(value):
    """What a C "d" argument accepts: a float or anything with __float__ / __index__."""
    if isinstance(value, float):
        return value
    if hasattr(value, "__float__") or (not PY2 and hasattr(value, "__index__")):
        return float(value)
    raise TypeError("a float is required")


def _c_int(value):
    """What a C "i" argument accepts (Python 2 also takes a float, with a warning)."""
    if PY2:
        if isinstance(value, (str, bytes)) or type(value).__name__ == "unicode" or not hasattr(value, "__int__"):
            raise TypeError("an integer is required")
        value = int(value)
    else:
        if not hasattr(value, "__index__"):
            raise TypeError("an integer is required (got type " + type(value).__name__ + ")")
        value = value.__index__()
    if not -(2**31) <= value < 2**31:
        raise OverflowError("signed integer is greater than maximum")
    return value


_RLOCK_DEFAULTS = (True, -1)


def _lock_arguments(args, kwargs):
    """(blocking, timeout) from a Lock.acquire call, checked as the interpreter checks them."""
    # What the pure-Python RLock passes on for its defaults on every acquire (each `with`
    # of a Condition): True, -1 on Python 3, 1 on Python 2. They pass every check below.
    if not kwargs and type(args[0]) in (bool, int) and (args == (1,) or (args == _RLOCK_DEFAULTS and not PY2)):
        if len(args) == 1 or type(args[1]) is int:
            return True, -1
    # What Condition's _is_owned asks of a lock without one of its own (Event's Lock):
    # acquire(False) on Python 3, acquire(0) on Python 2. Both pass every check below.
    if not kwargs and args == (0,) and type(args[0]) in (bool, int):
        return False, -1
    if PY2:  # lock.acquire([waitflag]): one optional positional int, no keywords
        if kwargs:
            raise TypeError("acquire() takes no keyword arguments")
        if len(args) > 1:
            raise TypeError("acquire() takes at most 1 argument (" + str(len(args)) + " given)")
        return bool(_c_int(args[0])) if args else True, -1
    # lock.acquire(blocking=True, timeout=-1)
    if len(args) > 2:
        raise TypeError("acquire() takes at most 2 arguments (" + str(len(args)) + " given)")
    unknown = [name for name in kwargs if name not in ("blocking", "timeout")]
    if unknown:
        raise TypeError("'" + unknown[0] + "' is an invalid keyword argument for acquire()")
    named = dict(zip(("blocking", "timeout"), args))
    for name in kwargs:
        if name in named:
            raise TypeError("argument for acquire() given by name ('" + name + "') and position")
    named.update(kwargs)
    blocking = named.get("blocking", True)
    # "i" up to 3.11, "p" (any truth value) from 3.12 on.
    blocking = bool(blocking) if sys.version_info >= (3, 12) else bool(_c_int(blocking))
    timeout = _number(named.get("timeout", -1))
    if not blocking and timeout != -1:
        raise ValueError("can't specify a timeout for a non-blocking call")
    if timeout < 0 and timeout != -1:
        raise ValueError("timeout value must be a non-negative number")
    if timeout > _thread_module.TIMEOUT_MAX:
        raise OverflowError("timeout value is too large")
    return blocking, timeout


class VirtualLock:
    """threading.Lock whose blocking waits go through the virtual clock. FIFO hand-off.

    The lock's state is a one-item list, the key: whoever pops it holds the lock. A
    list's pop and append are atomic (one C call under the GIL, the list's own lock in
    a free-threaded build), so an acquire or release that nobody contends needs no
    clock mutex: a Condition hand-off (notify, then wait) takes the real mutex 3 times
    instead of 8. Only waiting needs it: a waiter queues under the mutex and, first in
    the queue, tries the key once more (a release may have come between); a release
    that finds waiters hands the key to the first under the mutex, so it never lies
    free for a newcomer to take.
    """

    # A Condition's waiter lock (see _condition_wait): the lock its thread takes back once
    # notified, and whether a notify queued the thread there instead of waking it.
    _morph_to = None
    _morphed = False

    def __init__(self):
        self._key = [True]
        self._queue = collections.deque()
        self._clock = CLOCK  # no module global read later: Python 2's exit sets them to None

    def acquire(self, *args, **kwargs):
        # Condition.wait's acquire() has no arguments: the defaults, without the checks.
        blocking, timeout = _lock_arguments(args, kwargs) if args or kwargs else (True, -1)
        # Waiters first: no taking the key past them. (The look at the key spares the
        # IndexError, caught at a cost, of every contended acquire; the pop decides.)
        if not self._queue and self._key:
            try:
                self._key.pop()
                return True
            except IndexError:
                pass
        if not blocking or timeout == 0:
            return False
        clock = self._clock
        clock._mutex.acquire()
        waiter = clock.waiter()
        waiter.queue = self._queue
        self._queue.append(waiter)
        if self._queue[0] is waiter and self._key:  # first in the queue: released since the look above?
            try:
                self._key.pop()
            except IndexError:
                pass
            else:
                self._queue.remove(waiter)
                waiter.queue = None
                clock._mutex.release()
                return True
        deadline = None if timeout == -1 else clock.now + timeout
        return not clock.park(waiter, deadline)

    def release(self):
        if self._key:
            raise _thread_error("release unlocked lock")
        if not self._queue:
            self._key.append(True)
            if not self._queue:
                return
            # A waiter queued meanwhile: it may have missed the key. Take it back to hand it over.
            try:
                self._key.pop()
            except IndexError:
                return  # taken already: by the waiter itself, or by a thread that came later
        clock = self._clock
        clock._mutex.acquire()
        try:
            if self._queue:
                waiter = self._queue.popleft()
                waiter.queue = None
                if self._morph_to is None or not self._morph(waiter, self._morph_to):
                    clock.wake(waiter, timed_out=False)  # the lock passes to it, still locked
            else:  # the waiter's deadline passed first: nobody to hand it to
                self._key.append(True)
        finally:
            clock._mutex.release()

    def _morph(self, waiter, lock):
        """A notify, on a Condition's waiter lock: queue the notified thread on the
        Condition's own lock instead of waking it. Called with the clock's mutex held.

        Woken, the thread's first step would be to take that lock back, which the
        notifying thread holds (notify asks for it): it would park again at once and be
        woken a second time by the release, two thread switches where one does. Queued
        there now, it wakes once, holding the lock (the release hands it over), as a
        condition variable's "wait morphing" does. Nothing queues on a lock between the
        notify and the thread's own step in a real run that could not queue here before it:
        the order of waiters is one a real run can show. False (a plain wake) when the
        lock lies free."""
        if lock._key:
            return False
        if waiter.timer is not None:  # notified: a timed wait's deadline no longer counts
            waiter.timer[3] = False
            waiter.timer = None
        self._morphed = True
        queue = lock._queue
        queue.append(waiter)
        waiter.queue = queue
        if queue[0] is waiter and lock._key:  # released since the look above: take it now
            try:
                lock._key.pop()
            except IndexError:
                pass
            else:
                queue.remove(waiter)
                waiter.queue = None
                self._clock.wake(waiter, timed_out=False)
        return True

    def locked(self):
        return not self._key

    def _at_fork_reinit(self):
        self._key = [True]
        self._queue = collections.deque()

    acquire_lock = acquire
    release_lock = release
    locked_lock = locked

    # The real lock's __enter__ is its acquire, arguments and all.
    __enter__ = acquire

    def __exit__(self, *exc_info):
        self.release()

    def __repr__(self):
        state = "unlocked" if self._key else "locked"
        return "<" + state + " VirtualLock object at " + hex(id(self)) + ">"


def _condition_wait(condition, waiters, lock, rlock, count_owner, timeout):
    """Condition.wait(timeout), as threading's own (the same on Python 3.6-3.13, and 2.7's
    untimed wait), with the waiter lock told which lock to morph to (VirtualLock._morph).
    lock: the VirtualLock under the Condition's lock; rlock: the clock's RLock holding it,
    if any, whose owner and count (by their names in count_owner) come back with it."""
    if not condition._is_owned():
        raise RuntimeError("cannot wait on un-acquired lock")
    waiter = VirtualLock()
    waiter._key.pop()  # waiter.acquire() on a lock no other thread has seen yet
    waiter._morph_to = lock
    waiters.append(waiter)
    saved_state = condition._release_save()
    gotit = False
    try:
        if timeout is None:
            waiter.acquire()
            gotit = True
        elif timeout > 0:
            gotit = waiter.acquire(True, timeout)
        else:
            gotit = waiter.acquire(False)
        return gotit
    finally:
        if waiter._morphed:  # handed the lock itself: only the RLock's state to restore
            if rlock is not None:
                setattr(rlock, count_owner[0], saved_state[0])
                setattr(rlock, count_owner[1], saved_state[1])
        else:
            condition._acquire_restore(saved_state)
        if not gotit:
            try:
                waiters.remove(waiter)
            except ValueError:
                pass


def _lock_is_taken(lock):
    """threading.Condition._is_owned for a Condition over a plain Lock, on a VirtualLock: True
    unless lock.acquire(False) would take it (then the base releases it again at once). The
    base's three Python calls (Event.set's notify_all, and every untimed wait on an Event or a
    Thread's start, asks it) made a thread's start and join ~6% dearer in instructions."""
    return not lock._key or bool(lock._queue)


def _lock_under(lock, rlock_class, block_name):
    """(the VirtualLock under a Condition's lock, the clock's RLock around it or None), or
    (None, None) for a lock of another kind (made before install, or the snippet's own)."""
    if lock.__class__ is VirtualLock:  # not type(): on 2.7 that is InstanceType (old-style classes)
        return lock, None
    if lock.__class__ is rlock_class:
        return getattr(lock, block_name), lock
    return None, None


def _python3_condition(condition_class, rlock_class):
    class Condition(condition_class):
        def __init__(self, lock=None):
            if lock is not None and lock.__class__ is VirtualLock:
                # The base's own steps (3.6-3.13) for a lock without _release_save,
                # _acquire_restore and _is_owned (every Event's), less the AttributeError
                # that each look raises (up to 3.11) or hasattr() catches (3.12 on).
                self._lock = lock
                self.acquire = lock.acquire
                self.release = lock.release
                self._waiters = collections.deque()
            else:
                condition_class.__init__(self, lock)
            self._threadport_lock = _lock_under(self._lock, rlock_class, "_block")

        def wait(self, timeout=None):
            lock, rlock = self._threadport_lock
            if lock is None:
                return condition_class.wait(self, timeout)
            return _condition_wait(self, self._waiters, lock, rlock, ("_count", "_owner"), timeout)

        def _is_owned(self):
            # An RLock's Condition has the RLock's _is_owned (set in the base's __init__), so this
            # answers for a plain Lock only: the base's answer, without taking the lock to see.
            lock, rlock = self._threadport_lock
            if lock is None or rlock is not None:
                return condition_class._is_owned(self)
            return _lock_is_taken(lock)

    return Condition


def _python2_condition(condition_class, rlock_class, verbose_class):
    # 2.7's timed wait polls with sleeps and its verbose Condition notes each step: both
    # stay threading's own.
    class _Condition(condition_class):
        def __init__(self, lock=None, verbose=None):
            if lock is not None and lock.__class__ is VirtualLock:
                # The base's own steps for a lock without _release_save, _acquire_restore and
                # _is_owned (every Thread's and Event's), less an AttributeError made, with its
                # message, and caught for each: 6 per thread started.
                verbose_class.__init__(self, verbose)
                self._Condition__lock = lock
                self.acquire = lock.acquire
                self.release = lock.release
                self._Condition__waiters = []
            else:
                condition_class.__init__(self, lock, verbose)
            under = _lock_under(self._Condition__lock, rlock_class, "_RLock__block")
            self._threadport_lock = (None, None) if getattr(self, "_Verbose__verbose", False) else under

        def wait(self, timeout=None):
            lock, rlock = self._threadport_lock
            if lock is None or timeout is not None:
                return condition_class.wait(self, timeout)
            counts = ("_RLock__count", "_RLock__owner")
            _condition_wait(self, self._Condition__waiters, lock, rlock, counts, None)

        def notify(self, n=1):
            # 2.7's notify (the only one) without its _note calls, which print only for a
            # verbose Condition: that one keeps threading's own (its _threadport_lock is None).
            if self._threadport_lock[0] is None:
                return condition_class.notify(self, n)
            if not self._is_owned():
                raise RuntimeError("cannot notify on un-acquired lock")
            all_waiters = self._Condition__waiters
            for waiter in all_waiters[:n]:
                waiter.release()
                try:
                    all_waiters.remove(waiter)
                except ValueError:
                    pass

        def _is_owned(self):
            # As the Python 3 Condition's, above (a verbose Condition keeps the base's).
            lock, rlock = self._threadport_lock
            if lock is None or rlock is not None:
                return condition_class._is_owned(self)
            return _lock_is_taken(lock)

    return _Condition


_original = {}


def _patched_start(self):
    CLOCK.thread_starting()
    try:
        _original["start"](self)
    except BaseException:
        CLOCK.thread_finished(None)
        raise


# A thread's last steps, after its target returned, read none of this module's globals:
# Python 2's exit sets them all to None while threads still run (a daemon; a raw _thread
# thread, which exit does not wait for; a thread that has left threading's registry but
# not yet told the clock), and `CLOCK.thread_finished` read there then fails with
# "Unhandled exception in thread started by ..." on stderr, which a real run never prints.
# So the clock's method is bound before the target runs.
def _patched_bootstrap_inner(self):
    finished = CLOCK.thread_finished
    try:
        _original["bootstrap_inner"](self)
    finally:
        finished(self)


def _patched_join(self, timeout=None):
    # The original with timeout 0 raises the right RuntimeError for a thread
    # that is not started or is the current one, and never blocks otherwise.
    _original["join"](self, 0)
    CLOCK.join(self, timeout)


def _patched_start_new_thread(function, args, kwargs=None):
    finished = CLOCK.thread_finished  # bound now, as in _patched_bootstrap_inner

    def run(*a, **kw):
        try:
            return function(*a, **kw)
        finally:
            finished(None)

    CLOCK.thread_starting()
    try:
        return _original["start_new_thread"](run, args, kwargs or {})
    except BaseException:
        CLOCK.thread_finished(None)
        raise


# The RLocks below do what threading's pure-Python RLock does, over a VirtualLock, with the
# VirtualLock's first step (taking a free key when nobody queues) inline: a Condition's
# `with`, and its wait's restore, took three or four Python calls each, and a hand-over between
# two threads by notify and wait about 25. Anything else goes to the
# VirtualLock's own acquire, which checks the arguments as before. get_ident is a closure
# variable, not a module global (Python 2's exit sets those to None while daemons run).


def _take_free_key(block):
    """VirtualLock.acquire's first step: the key, if it lies free and nobody queues for it."""
    if block._queue or not block._key:
        return False
    try:
        block._key.pop()
    except IndexError:
        return False
    return True


def _python3_rlock(pure_python_rlock):
    # Python 3's C RLock answers a re-entrant acquire() with True, its pure-Python
    # stand-in with 1; snippets that print the answer must see what a real run
    # shows. (Python 2's RLock is pure Python in real runs too, and says 1.)
    get_ident = _get_ident

    class RLock(pure_python_rlock):
        def __init__(self, *args, **kwargs):
            # The C RLock's constructor ignores any arguments; the pure one takes none.
            pure_python_rlock.__init__(self)

        def acquire(self, blocking=True, timeout=-1):
            me = get_ident()
            if self._owner == me:
                self._count += 1
                return True
            block = self._block
            if blocking is True and type(timeout) is int and timeout == -1 and not block._queue and block._key:
                try:
                    block._key.pop()
                except IndexError:
                    pass
                else:
                    self._owner = me
                    self._count = 1
                    return True
            if block.acquire(blocking, timeout):
                self._owner = me
                self._count = 1
                return True
            return False

        __enter__ = acquire

        def __exit__(self, t, v, tb):
            # pure_python_rlock.release, inline (it is what __exit__ calls)
            if self._owner != get_ident():
                raise RuntimeError("cannot release un-acquired lock")
            self._count = count = self._count - 1
            if not count:
                self._owner = None
                self._block.release()

        def _acquire_restore(self, state):
            block = self._block
            if not _take_free_key(block):
                block.acquire()
            self._count, self._owner = state

    return RLock


def _python2_rlock(pure_python_rlock):
    # Python 2's threading._RLock, less its _note calls (they print only for an RLock made
    # with verbose=True, which keeps the original methods). Its attributes are name-mangled
    # for a class named _RLock: this class has that name too, so its repr reads the same.
    get_ident = _get_ident
    plain = pure_python_rlock.acquire, pure_python_rlock.release
    plain_restore = pure_python_rlock._acquire_restore

    class _RLock(pure_python_rlock):
        def __init__(self, *args, **kwargs):
            pure_python_rlock.__init__(self, *args, **kwargs)
            self._threadport_verbose = getattr(self, "_Verbose__verbose", False)

        def acquire(self, blocking=1):
            if self._threadport_verbose:
                return plain[0](self, blocking)
            me = get_ident()
            if self._RLock__owner == me:
                self._RLock__count = self._RLock__count + 1
                return 1
            block = self._RLock__block
            if type(blocking) in (int, bool) and blocking == 1 and _take_free_key(block):
                rc = True
            else:
                rc = block.acquire(blocking)
            if rc:
                self._RLock__owner = me
                self._RLock__count = 1
            return rc

        __enter__ = acquire

        def release(self):
            if self._threadport_verbose:
                return plain[1](self)
            if self._RLock__owner != get_ident():
                raise RuntimeError("cannot release un-acquired lock")
            self._RLock__count = count = self._RLock__count - 1
            if not count:
                self._RLock__owner = None
                self._RLock__block.release()

        def __exit__(self, t, v, tb):
            # threading._RLock.__exit__'s own body: release() above, verbose or not (2.7's
            # snippets mostly release by hand, so this path is not worth a copy of release)
            self.release()

        def _acquire_restore(self, count_owner):
            if self._threadport_verbose:
                return plain_restore(self, count_owner)
            count, owner = count_owner
            block = self._RLock__block
            if not _take_free_key(block):
                block.acquire()
            self._RLock__count = count
            self._RLock__owner = owner

        def _release_save(self):
            if self._threadport_verbose:
                return pure_python_rlock._release_save(self)
            count = self._RLock__count
            self._RLock__count = 0
            owner = self._RLock__owner
            self._RLock__owner = None
            self._RLock__block.release()
            return (count, owner)

    return _RLock


def _install_thread_module():
    # The snippet's `import thread` / `import _thread` gets a copy of the module
    # whose locks and threads go through the clock. The module itself stays as
    # it is: importlib made its per-module import locks from it, and those must
    # stay real (an import inside the clock's own bookkeeping would wait on the
    # clock and never return).
    proxy = type(sys)(_thread_module.__name__)
    proxy.__dict__.update(_thread_module.__dict__)
    for name in ("allocate_lock", "allocate"):
        if hasattr(_thread_module, name):
            setattr(proxy, name, VirtualLock)
    for name in ("start_new_thread", "start_new"):
        if hasattr(_thread_module, name):
            setattr(proxy, name, _patched_start_new_thread)
    sys.modules[_thread_module.__name__] = proxy


# The names install() sets on the threading module, with their values before it did.
_threading_before = {}


def _set_threading(threading, name, value):
    _threading_before.setdefault(name, getattr(threading, name, None))
    setattr(threading, name, value)


def fork():
    """os.fork() for the fork server (child.py --serve), with the clock installed.

    In the child, fork runs threading's _after_fork (3.7+: os.register_at_fork; 2.7
    and 3.6 only once a thread has started, which the server never does), which
    makes new registry locks (_active_limbo_lock, _shutdown_locks_lock, the main
    thread's Event) from threading's lock factories: with the clock's in place they
    would be virtual, where a fresh run has real ones (made at import, before
    install). So at its first fork the server puts threading's own factories back, for
    good (it makes no lock of its own), and each forked child puts the clock's in place
    again after the fork (tests/test_forkserver.py shows it). Setting them back and forth
    around every fork cost the server about 10 page faults a run.
    """
    threading = sys.modules["threading"]  # loaded: install() imported it
    if not _served:
        for name, value in _threading_before.items():
            _served[name] = getattr(threading, name)
            setattr(threading, name, value)
    pid = sys.modules["os"].fork()
    if pid == 0:
        for name, value in _served.items():
            setattr(threading, name, value)
        _served.clear()  # as in a fresh run, which never forked a server's way
    return pid


# In a fork server, from its first fork: the clock's values of the names install() set on
# the threading module, which the server holds back between runs (fork).
_served = {}


def install():
    """Put the virtual clock under time and threading; returns the clock.

    Installed once per process: a run forked from a warm server (child.py --serve)
    finds it in place and gets the same clock back.
    """
    if _original:
        return CLOCK
    # time first: modules imported later (threading, queue) bind these at import.
    _time_module.sleep = CLOCK.sleep
    _time_module.time = CLOCK.time
    for name in ("monotonic", "perf_counter"):
        if hasattr(_time_module, name):
            setattr(_time_module, name, CLOCK.monotonic)
    for name in ("time_ns", "monotonic_ns", "perf_counter_ns"):
        if hasattr(_time_module, name):
            base = CLOCK.time if name == "time_ns" else CLOCK.monotonic
            setattr(_time_module, name, lambda base=base: int(base() * 1e9))

    import threading

    # threading's own module-level locks (the registry of threads) were made
    # before this point and stay real; everything made from now on is virtual.
    _set_threading(threading, "Lock", VirtualLock)
    _set_threading(threading, "_allocate_lock", VirtualLock)
    if PY2:
        _set_threading(threading, "_sleep", CLOCK.sleep)
        _set_threading(threading, "_time", CLOCK.time)
        rlock = _python2_rlock(threading._RLock)
        _set_threading(threading, "_RLock", rlock)  # what RLock() makes
        _set_threading(threading, "_Condition", _python2_condition(threading._Condition, rlock, threading._Verbose))
        bootstrap_name = "_Thread__bootstrap_inner"
    else:
        _set_threading(threading, "_CRLock", None)  # RLock() -> the pure-Python RLock over VirtualLock
        rlock = _python3_rlock(threading._PyRLock)
        _set_threading(threading, "_PyRLock", rlock)
        _set_threading(threading, "Condition", _python3_condition(threading.Condition, rlock))
        _set_threading(threading, "_time", CLOCK.monotonic)
        bootstrap_name = "_bootstrap_inner"
    _original["start"] = threading.Thread.start
    _original["join"] = threading.Thread.join
    _original["bootstrap_inner"] = getattr(threading.Thread, bootstrap_name)
    _original["start_new_thread"] = _thread_module.start_new_thread
    threading.Thread.start = _patched_start
    threading.Thread.join = _patched_join
    setattr(threading.Thread, bootstrap_name, _patched_bootstrap_inner)
    _install_thread_module()

    if not PY2:
        import queue

        # The C SimpleQueue blocks below Python; ThreadPoolExecutor uses it.
        # (Python 3.6 has neither: its executor uses queue.Queue.)
        if hasattr(queue, "_PySimpleQueue"):
            queue.SimpleQueue = queue._PySimpleQueue
    return CLOCK


def finish_main():
    """What interpreter exit does for the main thread, through the clock.

    Run threading's exit hooks (ThreadPoolExecutor wakes its workers there),
    then join every non-daemon thread; daemon threads still blocked are left
    behind, as a real exit leaves them.
    """
    import threading

    hooks = getattr(threading, "_threading_atexits", None)
    if hooks:
        pending = list(hooks)
        del hooks[:]
        threading._SHUTTING_DOWN = True
        for hook in reversed(pending):
            hook()
    current = threading.current_thread()
    while True:
        others = [t for t in threading.enumerate() if t is not current and not t.daemon]
        others = [t for t in others if not getattr(t, "_threadport_finished", False)]
        if not others:
            return
        for thread in others:
            thread.join()
