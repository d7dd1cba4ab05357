"""Running work at the same moment from several threads, each with its own database connection."""

import queue
import threading

from django.db import connections

JOIN_TIMEOUT = 120


def race(*calls):
    """Start the calls at one moment (a barrier); each one's result or exception, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a racing call never returned"
    return results


class Pool:
    """``threads`` workers that run rounds of jobs: every round starts on a barrier, so the
    threads contend on the same rows, and ends when its queue is empty."""

    def __init__(self, threads: int):
        self.size = threads
        self._work: queue.Queue = queue.Queue()
        self._workers = [threading.Thread(target=self._loop, daemon=True) for _ in range(threads)]
        for worker in self._workers:
            worker.start()

    def _loop(self):
        try:
            while True:
                item = self._work.get()
                if item is None:
                    return
                barrier, jobs, results, lock = item
                barrier.wait(timeout=30)
                while True:
                    try:
                        index, job = jobs.get_nowait()
                    except queue.Empty:
                        break
                    try:
                        outcome = job()
                    except Exception as exc:
                        outcome = exc
                    with lock:
                        results[index] = outcome
                barrier.wait(timeout=JOIN_TIMEOUT)
        finally:
            connections.close_all()

    def run(self, jobs: list) -> list:
        """Run one round of ``jobs`` (callables) across the threads; their outcomes, in order."""
        pending: queue.Queue = queue.Queue()
        for index, job in enumerate(jobs):
            pending.put((index, job))
        results: list = [None] * len(jobs)
        barrier = threading.Barrier(self.size + 1)
        lock = threading.Lock()
        for _ in range(self.size):
            self._work.put((barrier, pending, results, lock))
        barrier.wait(timeout=30)  # start together
        barrier.wait(timeout=JOIN_TIMEOUT)  # all done
        return results

    def close(self):
        for _ in range(self.size):
            self._work.put(None)
        for worker in self._workers:
            worker.join(JOIN_TIMEOUT)
