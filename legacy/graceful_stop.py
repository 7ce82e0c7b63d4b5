# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# the seed's advice, "make them non-daemonic and use a suitable signalling
# mechanism such as an Event", as it was often followed: the worker checks the
# Event between naps of time.sleep(). Python 2's Event.wait(timeout) was itself
# a loop of short sleeps, so sleeping looked no worse. The price: a stop request
# waits for the current nap to end.
import threading
import time


class Ticker(threading.Thread):

    def __init__(self, interval):
        threading.Thread.__init__(self)
        self.interval = interval
        self.stopped = threading.Event()
        self.ticks = 0

    def run(self):
        while not self.stopped.isSet():
            self.ticks += 1
            print 'ticker: tick %d' % self.ticks
            time.sleep(self.interval)
        print 'ticker: saw the stop request, leaving the loop'

    def stop(self):
        self.stopped.set()


def demo(interval=1.0, stop_after=2.5):
    ticker = Ticker(interval)
    ticker.start()
    time.sleep(stop_after)
    print 'main: asking the ticker to stop'
    asked = time.time()
    ticker.stop()
    ticker.join()
    print 'main: the ticker stopped %.1f s after the request, after %d ticks' % (
        time.time() - asked, ticker.ticks)
