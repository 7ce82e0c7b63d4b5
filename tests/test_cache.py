"""The disk cache stays bounded: each write keeps only the newest entries of the folder.

Every install of threadport (tox envs, worktrees, the mutations env's copies, a test's
temporary one) writes entries of its own there, and so do the fork servers (the compiled
clock); without pruning the folder only grew (8,649 files, 314 MB in a few days)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from threadport import cache


@pytest.fixture
def where(tmp_path, monkeypatch):
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    return tmp_path / "threadport"


def written(folder, name: str, age: int) -> None:
    """An entry written ``age`` seconds ago (mtime is when an entry was written)."""
    path = folder / name
    path.write_text("{}")
    stamp = 1_700_000_000 - age
    os.utime(path, (stamp, stamp))


def test_a_store_keeps_the_newest_entries_and_removes_the_oldest(where, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 4)
    where.mkdir()
    for age, name in enumerate(["a.json", "clock-virtual-py27-1.code", "b.json", "c.json", "d.json"]):
        written(where, name, age)
    (where / "ledger").mkdir()  # a folder of its own is never pruned here
    cache.store("fresh", ["key"], 1)
    assert sorted(os.listdir(where)) == ["a.json", "b.json", "clock-virtual-py27-1.code", "fresh.json", "ledger"]
    assert cache.load("fresh", ["key"]) == 1


def test_a_hit_removes_nothing(where, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 1)
    cache.store("one", ["key"], 1)
    written(where, "older.json", 10)
    assert cache.load("one", ["key"]) == 1
    assert sorted(os.listdir(where)) == ["older.json", "one.json"]


def test_prune_keeps_what_it_is_told_and_survives_a_missing_folder(tmp_path):
    for age in range(6):
        written(tmp_path, f"{age}.json", age)
    cache.prune(str(tmp_path), keep=2)
    assert sorted(os.listdir(tmp_path)) == ["0.json", "1.json"]
    cache.prune(str(tmp_path / "nowhere"), keep=2)  # best effort: nothing raised


def test_the_ledger_keeps_its_newest_probe_answers(tmp_path, monkeypatch):
    from threadport import ledger

    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path))
    monkeypatch.setattr(ledger, "LEDGER_ENTRIES", 2)
    folder = ledger._cache_dir()
    folder.mkdir(parents=True)
    for age in range(3):
        written(folder, f"old{age}.json", 100 + age)
    answers = {"version": "3.12.1", "implementation": "cpython", "free_threaded": False, "results": []}
    # The probe's answers, without running it (what is stored is what this test is about).
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, json.dumps(answers), ""))
    ledger.probe_interpreter(sys.executable)
    assert sorted(os.listdir(folder)) == sorted([f"{ledger._cache_key(sys.executable)}.json", "old0.json"])


def test_the_runs_compiled_sources_are_pruned_apart_and_never_evict_the_rest(where, monkeypatch):
    # A test session runs hundreds of scratch sources, each kept compiled (clock/driver.py's
    # _snippet_code): among the rest they evicted every install's clock modules and catalogue.
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    monkeypatch.setattr(cache, "MAX_SNIPPETS", 2)
    snippets = where / cache.SNIPPETS
    snippets.mkdir(parents=True)
    written(where, "clock-virtual-py311-1.code", 50)  # older than every run's entry
    for age in range(4):
        written(snippets, f"snippet-py311-{age}.code", age)
    cache.store("fresh", ["key"], 1)
    assert sorted(os.listdir(where)) == ["clock-virtual-py311-1.code", "fresh.json", cache.SNIPPETS]
    assert sorted(os.listdir(snippets)) == ["snippet-py311-0.code", "snippet-py311-1.code"]
