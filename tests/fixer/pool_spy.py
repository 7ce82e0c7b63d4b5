"""A spy on the fixer's worker pools (and check's forked helpers), for the tests that compare a run in workers with one
done in this process (test_parallel_check.py, test_parallel_fix.py)."""

from __future__ import annotations

import contextlib

from threadport.fixer import files


def pool_use(monkeypatch) -> list[bool]:
    """For each files._workers from now on: did it give a pool of workers (else the work is done here)?"""
    used: list[bool] = []
    real_workers = files._workers

    @contextlib.contextmanager
    def watched(items, minimum=None):
        with real_workers(items, minimum) as pool:
            used.append(pool is not None)
            yield pool

    monkeypatch.setattr(files, "_workers", watched)
    return used


def share_use(monkeypatch) -> list[bool]:
    """For each files._shared (check's forked helpers) from now on: did it give helpers?"""
    used: list[bool] = []
    real_shared = files._shared

    @contextlib.contextmanager
    def watched(items):
        with real_shared(items) as share:
            used.append(share is not None)
            yield share

    monkeypatch.setattr(files, "_shared", watched)
    return used
