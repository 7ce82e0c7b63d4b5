"""The browser fixtures' wait for .ci/run's installs beside tox (chromium by apt, axe-core by npm).

On a virtual clock: ``sleep`` advances it, and is where the install (played by the test) moves on.
No browser needed, so these run wherever the browser tests are collected.
"""

from __future__ import annotations

import pytest
from browser_support import INSTALL_POLL, wait_for_install


class Install:
    """An install beside tox as the fixture sees it: its status file appears at ``ends_at`` seconds
    (virtual), holding ``says``; before that only its .partial file, as .ci/with-status writes it."""

    def __init__(self, tmp_path, ends_at: float | None, says: str = "ok"):
        self.status = tmp_path / "chromium.status"
        self.ends_at, self.says = ends_at, says
        self.now = 0.0
        self.sleeps = 0
        self.partial = tmp_path / "chromium.status.partial"
        self.partial.write_text(says + "\n")  # never read: only the renamed file counts

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        assert self.now < 3600, "still waiting after an hour: no bound"
        self.now += seconds
        if self.ends_at is not None and self.now >= self.ends_at and not self.status.exists():
            self.partial.rename(self.status)

    def wait(self, timeout: float = 600.0):
        return wait_for_install(str(self.status), timeout=timeout, clock=self.clock, sleep=self.sleep)


@pytest.mark.parametrize("variable", [None, ""])
def test_nothing_installing_means_no_wait(variable):
    def sleep(seconds):
        raise AssertionError("waited with nothing to wait for")

    assert wait_for_install(variable, clock=lambda: 0.0, sleep=sleep) is None


def test_waits_until_the_install_has_ended_then_goes_on(tmp_path):
    install = Install(tmp_path, ends_at=45.0)
    assert install.wait() is None
    assert install.now >= 45.0, "returned before apt was done"
    assert install.now < 45.0 + 2 * INSTALL_POLL, "kept waiting after it was done"
    assert install.sleeps == pytest.approx(45.0 / INSTALL_POLL, abs=1)


def test_an_install_already_done_is_no_wait(tmp_path):
    install = Install(tmp_path, ends_at=0.0)
    install.sleep(0.0)  # the rename, before the fixture looks
    install.sleeps = 0
    assert install.wait() is None
    assert install.sleeps == 0


def test_a_failed_install_is_reported_as_soon_as_it_ends(tmp_path):
    install = Install(tmp_path, ends_at=12.0, says="failed: .ci/install-chromium exited 100")
    problem = install.wait()
    assert problem is not None and "failed: .ci/install-chromium exited 100" in problem
    assert install.now < 12.0 + 2 * INSTALL_POLL, "waited for the timeout after the failure was known"


def test_an_install_that_does_not_end_is_an_error_after_the_timeout(tmp_path):
    install = Install(tmp_path, ends_at=None)
    problem = install.wait(timeout=90.0)
    assert problem is not None and "had not ended after 90 s" in problem and str(install.status) in problem
    assert 90.0 <= install.now < 90.0 + 2 * INSTALL_POLL
