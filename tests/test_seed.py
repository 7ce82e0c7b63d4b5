"""The seed is kept byte for byte, and the traps it holds are shown, not claimed."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from threadport.catalog import get_pair

SEED_SHA256 = "fd88202ea01e44ef9d87295e14c5a972a3ce1b4fbad27cc6163242460b9ad97e"


def test_legacy_seed_is_the_seed_byte_for_byte():
    data = get_pair("threading_notes").legacy_path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256
    assert data.count(b"\n") == 89


def test_legacy_seed_does_not_compile_on_python3():
    source = get_pair("threading_notes").legacy_path.read_bytes()
    with pytest.raises(SyntaxError) as raised:
        compile(source, "threading_notes.py", "exec")
    # The first print statement: PEP 3105 made print a function.
    assert raised.value.lineno == 10
    assert "print" in raised.value.text


@pytest.mark.interpreter_free("python2.7 run on the seed directly: no threadport code takes part")
def test_running_the_seed_directly_on_python2_dies_of_pep263(legacy_python):
    path = get_pair("threading_notes").legacy_path
    done = subprocess.run([legacy_python, str(path)], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("SyntaxError: Non-ASCII character '\\xe2'")
    assert "but no encoding declared" in last and "pep-0263" in last


def test_modern_seed_twin_compiles_and_keeps_every_entry_point():
    pair = get_pair("threading_notes")
    namespace: dict = {}
    exec(compile(pair.modern_path.read_bytes(), str(pair.modern_path), "exec"), namespace)
    for entry in pair.entries:
        assert callable(namespace[entry.modern]), entry.modern
