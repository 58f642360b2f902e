"""One JupyterLab server and one Chromium for the whole browser session; for the browser
edition, one site built for the whole run, served, and one offline Chromium.

Without Chromium at ``/usr/bin/chromium`` (or ``ISOMARGIN_CHROMIUM``) the browser tests skip
with that reason; with ``ISOMARGIN_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from labdriver import (
    CHROMIUM,
    VIEWPORT,
    LabServer,
    LessonPage,
    chromium_available,
    launch_chromium,
)
from litedriver import LiteLessonPage, LiteSite

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
ARTIFACTS = ROOT / "test-artifacts" / "browser"


def _require_browser() -> bool:
    return os.environ.get("ISOMARGIN_REQUIRE_BROWSER", "") not in ("", "0")


def _need_browser():
    if chromium_available():
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as error:
            reason = f"playwright is not installed ({error})"
        else:
            return
    else:
        reason = (f"Chromium not found at {CHROMIUM}: install Debian's package "
                  "(apt-get install chromium) to run the browser tests")
    if _require_browser():
        pytest.fail(f"ISOMARGIN_REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    _need_browser()
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"), LESSONS).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_driver():
    """One playwright for the session (its sync API allows one at a time in a thread)."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(lab_server, playwright_driver):
    chromium = launch_chromium(playwright_driver)
    yield chromium
    chromium.close()


class SharedPage:
    """One JupyterLab page for the whole session (lessons open one after another in it, without
    reloading the app); replaced by a fresh page after a lesson breaks it."""

    def __init__(self, browser, server, page_class=LessonPage):
        self.context = browser.new_context(viewport=VIEWPORT)
        self.server = server
        self.page_class = page_class
        self.lesson_page = None

    def get(self) -> LessonPage:
        if self.lesson_page is None:
            self.lesson_page = self.page_class(self.context, self.server)
        return self.lesson_page

    def discard(self) -> None:
        if self.lesson_page is not None:
            try:
                self.lesson_page.close()
            except Exception:  # the page may already be gone
                pass
            self.lesson_page = None

    def close(self) -> None:
        self.discard()
        self.context.close()


@pytest.fixture(scope="session")
def shared_page(browser, lab_server):
    shared = SharedPage(browser, lab_server)
    yield shared
    shared.close()


@pytest.fixture
def artifacts():
    return ARTIFACTS


# --------------------------------------------------------------------------- browser edition


def _run_folder(tmp_path_factory, name: str) -> Path:
    """A folder shared by this run's test workers (xdist), or this session's own."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.getbasetemp().parent / name
        folder.mkdir(exist_ok=True)
        return folder
    return tmp_path_factory.mktemp(name)


@pytest.fixture(scope="session")
def lite_site(tmp_path_factory):
    """The browser edition built by the README's build command, once for the run's workers
    (the two halves of its lessons), each serving it on its own port of 127.0.0.1."""
    _need_browser()
    if shutil.which("npm") is None:
        reason = "npm not found: the browser edition's build takes Pyodide from npm"
        if _require_browser():
            pytest.fail(f"ISOMARGIN_REQUIRE_BROWSER is set but {reason}", pytrace=False)
        pytest.skip(reason)
    site = LiteSite(_run_folder(tmp_path_factory, "lite")).build_once().start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def offline_browser(lite_site, playwright_driver):
    """Chromium in which no host but 127.0.0.1 resolves."""
    chromium = launch_chromium(playwright_driver, offline=True)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def lite_page(offline_browser, lite_site):
    shared = SharedPage(offline_browser, lite_site, LiteLessonPage)
    yield shared
    shared.close()
