"""The GitHub workflow stays runnable: no retired image, current action majors, read-only
permissions, Python 2.7 from a cached pyenv build, the 3.14 and 3.14t rows, report and timeline.

actionlint (with shellcheck) checks the syntax and the shell steps in the lint env; this
file checks the choices, which actionlint cannot know about.
"""

from __future__ import annotations

import re
from pathlib import Path

WORKFLOW = (Path(__file__).resolve().parents[1] / ".github" / "workflows" / "tests.yml").read_text()

# The current major of each action, read from the actions' own repositories (November 2026):
# all on Node 24, none warns.
CURRENT_MAJORS = {
    "actions/checkout": 7,
    "actions/setup-python": 7,
    "actions/cache": 5,
    "actions/upload-artifact": 7,
    "actions/download-artifact": 8,
}


def test_no_retired_runner_image():
    images = re.findall(r"runs-on:\s*(\S+)", WORKFLOW)
    assert images and all(image == "ubuntu-24.04" for image in images), images
    assert "ubuntu-22.04" not in WORKFLOW and "ubuntu-20.04" not in WORKFLOW


def test_every_action_is_on_its_current_major():
    used = re.findall(r"uses:\s*([\w-]+/[\w-]+)@v(\d+)", WORKFLOW)
    assert {name for name, _ in used} == set(CURRENT_MAJORS)
    for name, major in used:
        assert int(major) == CURRENT_MAJORS[name], f"{name}@v{major}"


def test_permissions_are_read_only():
    block = re.search(r"^permissions:\n((?:  .*\n)+)", WORKFLOW, re.MULTILINE)
    assert block and block.group(1).strip() == "contents: read"


def test_python_2_7_is_built_once_and_cached_and_the_legacy_half_is_required():
    assert 'PYTHON2_VERSION: "2.7.18"' in WORKFLOW
    assert re.search(r"key: python-\$\{\{ env.PYTHON2_VERSION \}\}-", WORKFLOW)
    assert 'python-build" "$PYTHON2_VERSION"' in WORKFLOW
    assert "if: steps.python2.outputs.cache-hit != 'true'" in WORKFLOW
    assert 'THREADPORT_REQUIRE_LEGACY: "1"' in WORKFLOW
    assert "apt-get install -y python2.7" not in WORKFLOW


def test_the_matrix_has_3_14_and_its_free_threaded_build_and_requires_them_there():
    matrix = re.search(r"python: \[(.*)\]", WORKFLOW).group(1)
    assert [v.strip(' "') for v in matrix.split(",")] == ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.14t"]
    assert "THREADPORT_REQUIRE_PYTHON314: ${{ matrix.also && '1' || '0' }}" in WORKFLOW
    assert 'THREADPORT_EXPECT: "3.9,3.10,3.11,3.12,3.13,3.14,3.14t"' in WORKFLOW


def test_report_timeline_package_and_lowest_run_on_github():
    envs = ("report", "browser", "timeline", "slow", "every-python", "mutations", "package,lowest", "lint")
    for command in (f"tox -e {env}" for env in envs):
        assert command in WORKFLOW, command
    assert "cache: pip" in WORKFLOW and "path: ~/.cache/uv" in WORKFLOW  # dependency caching


def test_the_report_job_installs_chromium_as_the_project_ci_does():
    """The same browser packages on both CIs (.ci/install-chromium's apt line): the browser
    tests' screenshots are drawn with the fonts that come with them."""
    script = (Path(__file__).resolve().parents[1] / ".ci" / "install-chromium").read_text()
    ours = re.search(r"install -y --no-install-recommends ([^>\n]*?)\s*>", script)
    theirs = re.search(r"apt-get install -y --no-install-recommends (chromium [^\n]*)", WORKFLOW)
    assert ours and theirs
    assert set(ours.group(1).split()) <= set(theirs.group(1).split())
