# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# the seed's list of thread-safe operations (from the effbot article), each one
# raced by two threads in a harness that FORCES a thread switch before every
# bytecode of the operation, beside a control row: a look-alike that is not
# atomic (x += 1, d[k] = d[k] + 1, L[:] = L + [x], check-then-act, a state
# kept in two variables). The control goes wrong in every round, the atomic
# operation in none, and every number printed is counted, not computed.
#
# How the switch is forced: a trace function (sys.settrace) runs in each racing
# thread and, before each bytecode of the operation, hands the turn to the
# other thread and waits until it comes back. Only one thread runs at a time,
# so every run interleaves the same way, whatever the GIL or the machine does.
# Python 2 traces lines, not bytecodes (3.7 added opcode events), so the
# harness gives each bytecode of the operation its own line number first.
import dis
import sys
import threading
import types

# The harness decides every switch, so each round interleaves exactly as the one
# before: further rounds repeat the same count and add no evidence; two show that it repeats.
ROUNDS = 2


def one_line_per_bytecode(function):
    """A copy of function whose every bytecode starts a new line: a 'line' event each."""
    code = function.func_code
    starts = []
    offset = 0
    while offset < len(code.co_code):
        starts.append(offset)
        offset += 3 if ord(code.co_code[offset]) >= dis.HAVE_ARGUMENT else 1
    lnotab = ''.join(chr(b - a) + chr(1) for a, b in zip(starts, starts[1:]))
    stepped = types.CodeType(
        code.co_argcount, code.co_nlocals, code.co_stacksize, code.co_flags,
        code.co_code, code.co_consts, code.co_names, code.co_varnames,
        code.co_filename, code.co_name, code.co_firstlineno, lnotab,
        code.co_freevars, code.co_cellvars)
    return types.FunctionType(stepped, function.func_globals, function.func_name,
                              function.func_defaults, function.func_closure)


class Turns(object):
    """Two threads that run one at a time and hand the turn to each other."""

    def __init__(self):
        # A lock per thread, its baton: a thread waits for its turn by acquiring its own
        # lock, and the other thread gives it the turn by releasing that lock (any thread
        # may release a Lock). A hand-over is one release and one acquire.
        self.batons = [threading.Lock(), threading.Lock()]
        self.batons[1].acquire()  # thread 0 has the first turn
        self.finished = [False, False]
        self.switches = 0

    def start(self, me):
        self.batons[me].acquire()

    def hand_over(self, me):
        if self.finished[1 - me]:
            return  # nobody to hand the turn to
        self.switches += 1
        self.batons[1 - me].release()
        self.batons[me].acquire()

    def finish(self, me):
        self.finished[me] = True
        self.batons[1 - me].release()


def run_stepped(turns, me, operation, args, errors):
    """Call operation(*args), handing the turn over before each of its bytecodes."""
    def step(frame, event, arg):
        if event == 'line':
            turns.hand_over(me)
        return step

    def on_call(frame, event, arg):
        if frame.f_code is stepped.func_code:
            return step
        return None

    turns.start(me)
    try:
        stepped = one_line_per_bytecode(operation)
        sys.settrace(on_call)
        stepped(*args)
    except Exception, error:
        errors.append(error)
    finally:
        sys.settrace(None)
        turns.finish(me)


def run_whole(turns, me, operation, args):
    """Call operation(*args) whole, once per turn, until the other thread is done."""
    turns.start(me)
    while not turns.finished[1 - me]:
        operation(*args)
        turns.hand_over(me)
    turns.finish(me)


# True during a row's warm-up round (rounds()): the traced operation runs alone.
warming_up = False


def warm_up(operation, args):
    """Call operation(*args) traced as in a race, in this thread alone: no other thread
    is waiting, so each hand-over returns at once."""
    turns, errors = Turns(), []
    turns.finished[1] = True
    run_stepped(turns, 0, operation, args, errors)
    return turns.switches, errors


def race(operation, args_first, args_second):
    """Both threads run operation, taking turns bytecode by bytecode (lockstep)."""
    if warming_up:
        return warm_up(operation, args_first)
    turns, errors = Turns(), []
    thread_0 = threading.Thread(target=run_stepped, args=(turns, 0, operation, args_first, errors))
    thread_0.start()
    run_stepped(turns, 1, operation, args_second, errors)  # this thread is thread 1
    thread_0.join()
    return turns.switches, errors


def interrupt(operation, args, other, other_args):
    """One thread runs operation; before each of its bytecodes the other runs other() whole."""
    if warming_up:
        return warm_up(operation, args)
    turns, errors = Turns(), []
    thread_0 = threading.Thread(target=run_stepped, args=(turns, 0, operation, args, errors))
    thread_0.start()
    run_whole(turns, 1, other, other_args)  # this thread is thread 1
    thread_0.join()
    return turns.switches, errors


def report(label, what, rows):
    """rows: one (switches, went_wrong) per round."""
    switched = len([1 for switches, wrong in rows if switches > 0])
    wrong = len([1 for switches, wrong in rows if wrong])
    print '  %s: switched inside it in %d of %d rounds, %s in %d' % (
        label, switched, len(rows), what, wrong)


# -- the operations: each is one function, so the harness can step it ------

class Box(object):
    pass


box = Box()
pair = (0, 0)
low = high = 0
total = 0


def replace_attribute(r):
    box.value = (r, -r)


def replace_two_attributes(r):
    box.low = r
    box.high = -r


def read_attribute(seen):
    seen.append(box.value)


def read_two_attributes(seen):
    seen.append((box.low, box.high))


def add_to_attribute():
    box.count += 1


def replace_global(r):
    global pair
    pair = (r, -r)


def replace_two_globals(r):
    global low, high
    low = r
    high = -r


def read_global(seen):
    seen.append(pair)


def read_two_globals(seen):
    seen.append((low, high))


def add_to_global():
    global total
    total += 1


def pop_job(jobs, taken):
    try:
        taken.append(jobs.pop())
    except IndexError:
        pass  # the other thread took it


def take_job_if_any(jobs, taken):
    if jobs:
        taken.append(jobs[-1])
        del jobs[-1]


def append(items, x):
    items.append(x)


def append_by_copy(items, x):
    items[:] = items + [x]


def pop_item(table, taken):
    value = table.pop('job', None)
    if value is not None:
        taken.append(value)


def take_item_if_any(table, taken):
    if 'job' in table:
        taken.append(table['job'])
        del table['job']


def set_item(table, key):
    table[key] = True


def add_to_item(table):
    table['hits'] = table['hits'] + 1


def clear(table):
    table.clear()


def clear_key_by_key(table):
    for key in list(table):
        del table[key]


# -- the rounds: each sets up fresh state and judges what it counted --------

def torn(seen):
    return len([1 for a, b in seen if a != -b]) > 0


def attribute_round(operation, read, r):
    box.value, box.low, box.high = (0, 0), 0, 0
    seen = []
    switches, errors = interrupt(operation, (r,), read, (seen,))
    return switches, torn(seen) or bool(errors)


def global_round(operation, read, r):
    global pair, low, high
    pair, low, high = (0, 0), 0, 0
    seen = []
    switches, errors = interrupt(operation, (r,), read, (seen,))
    return switches, torn(seen) or bool(errors)


def attribute_sum_round(r):
    box.count = 0
    switches, errors = race(add_to_attribute, (), ())
    return switches, box.count != 2 or bool(errors)


def global_sum_round(r):
    global total
    total = 0
    switches, errors = race(add_to_global, (), ())
    return switches, total != 2 or bool(errors)


def take_round(operation, one_job, r):
    jobs, taken = one_job(r), []
    switches, errors = race(operation, (jobs, taken), (jobs, taken))
    return switches, taken != [r] or bool(errors)


def append_round(operation, r):
    items = []
    switches, errors = race(operation, (items, (0, r)), (items, (1, r)))
    return switches, sorted(items) != [(0, r), (1, r)] or bool(errors)


def set_item_round(r):
    table = {}
    switches, errors = race(set_item, (table, (0, r)), (table, (1, r)))
    return switches, len(table) != 2 or bool(errors)


def add_to_item_round(r):
    table = {'hits': 0}
    switches, errors = race(add_to_item, (table,), (table,))
    return switches, table['hits'] != 2 or bool(errors)


def clear_round(operation, r):
    table = {('a', r): 1, ('b', r): 2}
    switches, errors = race(operation, (table,), (table,))
    return switches, len(table) != 0 or bool(errors)


def rounds(play, *args):
    # Round 0 warms up, uncounted, with the traced operation alone (the Python 3 twin
    # needs it); each round sets up its state afresh.
    global warming_up
    warming_up = True
    try:
        play(*(args + (0,)))
    finally:
        warming_up = False
    return [play(*(args + (r,))) for r in xrange(1, ROUNDS + 1)]


def demo():
    print 'two threads per round, %d rounds per row; the harness switches threads' % ROUNDS
    print 'before every bytecode of the operation (after one uncounted warm-up round)'

    print 'reading or replacing a single instance attribute'
    report('box.value = (r, -r), read by the other thread', 'a torn read',
           rounds(attribute_round, replace_attribute, read_attribute))
    report('control: box.low = r; box.high = -r', 'a torn read',
           rounds(attribute_round, replace_two_attributes, read_two_attributes))
    report('control: box.count += 1 in both threads', 'a lost update', rounds(attribute_sum_round))

    print 'reading or replacing a single global variable'
    report('pair = (r, -r), read by the other thread', 'a torn read',
           rounds(global_round, replace_global, read_global))
    report('control: low = r; high = -r', 'a torn read',
           rounds(global_round, replace_two_globals, read_two_globals))
    report('control: total += 1 in both threads', 'a lost update', rounds(global_sum_round))

    print 'fetching an item from a list'
    report('jobs.pop() in both threads, one job', 'a job taken twice or an error',
           rounds(take_round, pop_job, lambda r: [r]))
    report('control: if jobs: take jobs[-1], del jobs[-1]', 'a job taken twice or an error',
           rounds(take_round, take_job_if_any, lambda r: [r]))

    print 'modifying a list in place'
    report('items.append(x) in both threads', 'a lost item', rounds(append_round, append))
    report('control: items[:] = items + [x]', 'a lost item', rounds(append_round, append_by_copy))

    print 'fetching an item from a dictionary'
    report("table.pop('job', None) in both threads, one job", 'a job taken twice or an error',
           rounds(take_round, pop_item, lambda r: {'job': r}))
    report("control: if 'job' in table: take table['job'], del it", 'a job taken twice or an error',
           rounds(take_round, take_item_if_any, lambda r: {'job': r}))

    print 'modifying a dictionary in place'
    report('table[key] = True, a key per thread', 'a lost key', rounds(set_item_round))
    report("control: table['hits'] = table['hits'] + 1", 'a lost update', rounds(add_to_item_round))
    report('table.clear() in both threads', 'a key left or an error', rounds(clear_round, clear))
    report('control: for key in list(table): del table[key]', 'a key left or an error',
           rounds(clear_round, clear_key_by_key))
