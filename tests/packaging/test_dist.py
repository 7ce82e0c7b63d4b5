"""The built wheel and sdist tell the truth: metadata, LICENSE, the one version, a README
that renders on a package index (twine check), no relative image link in it.

Building takes seconds, so the `package` tox env runs this file (with build and twine
installed, THREADPORT_REQUIRE_PACKAGING=1); the Python 3 envs leave it alone.
"""

from __future__ import annotations

import email
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from availability import unavailable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    for module in ("build", "twine"):
        try:
            __import__(module)
        except ImportError:
            unavailable(f"{module} is not installed (tox -e package installs it)", "THREADPORT_REQUIRE_PACKAGING")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("threadport-*.whl")
    return wheel


def _metadata(dist: Path) -> email.message.Message:
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        (name,) = (n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(wheel.read(name))


def test_twine_check_passes_on_wheel_and_sdist(dist):
    files = sorted(map(str, dist.iterdir()))
    assert len(files) == 2
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


def test_wheel_carries_license_and_typed_marker(dist):
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        names = wheel.namelist()
        (license_name,) = (n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        assert wheel.read(license_name) == (ROOT / "LICENSE").read_bytes()
        assert "threadport/py.typed" in names
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")


def test_metadata_version_classifiers_urls_authors(dist):
    from threadport import __version__

    meta = _metadata(dist)
    assert meta["Version"] == __version__  # the one source: src/threadport/__init__.py
    assert meta["License-Expression"] == "MIT"
    classifiers = meta.get_all("Classifier")
    for wanted in (
        "Environment :: Console",
        "Topic :: Software Development :: Quality Assurance",
        "Typing :: Typed",
        "Programming Language :: Python :: 3.9",
        "Programming Language :: Python :: 3.14",
    ):
        assert wanted in classifiers
    assert meta["Author"]
    assert {url.split(",")[0] for url in meta.get_all("Project-URL")} >= {"Homepage", "Source", "Issues"}
    requires = meta.get_all("Requires-Dist")
    assert len([r for r in requires if r.startswith("fissix")]) == 1  # declared once
    assert any(r.startswith("markupsafe") for r in requires)  # threadport.html imports it


def test_long_description_has_no_relative_image(dist):
    description = _metadata(dist).get_payload()
    assert description.startswith("# threadport")
    assert "![" in (ROOT / "README.md").read_text()  # the README itself keeps its screenshot
    for target in re.findall(r"!\[[^\]]*\]\(([^)]*)\)", description):
        assert target.startswith("https://"), target


def test_sdist_carries_license_tests_and_showcase(dist):
    (sdist,) = dist.glob("threadport-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "pyproject.toml", "legacy/threading_notes.py", "src/threadport/py.typed"} <= names
