"""Shared test settings.

- hypothesis runs the same examples on every machine, with no deadline (a loaded 2-core CI machine
  must not turn a slow example into a failure);
- the suite runs in two xdist workers (``-n 2 --dist loadscope`` in pyproject.toml), scheduled in
  groups: each test file is one group, so a notebook's cells stay in order in one kernel (what
  nbval needs); the JupyterLab browser lessons are split into two groups (one JupyterLab server
  and one Chromium per worker); the browser edition is one group (its site is built once) and is
  queued first because it is the longest.
"""

import re
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("isomargin", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("isomargin")

LESSONS = sorted(p.stem for p in (Path(__file__).parents[1] / "lessons").glob("*.ipynb"))
BROWSER_GROUPS = 2
LONGEST_FIRST = ("test_lite_edition.py", "test_lessons_in_browser.py", "test_binder.py",
                 "test_numpy_floor.py")


def suite_group(nodeid: str) -> str:
    """The group a test runs in: its file, or for a JupyterLab browser lesson one of two halves."""
    path = nodeid.split("::", 1)[0]
    lesson = re.search(r"\[([^\]]+)\]$", nodeid)
    if path.endswith("test_lessons_in_browser.py") and lesson and lesson[1] in LESSONS:
        return f"{path}#{LESSONS.index(lesson[1]) % BROWSER_GROUPS}"
    return path


@pytest.hookimpl(optionalhook=True)  # an environment without xdist runs on one worker
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return suite_group(nodeid)

    return GroupScheduling(config, log)


def _rank(item) -> int:
    name = item.path.name
    return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(items):
    """Queue the long groups first (a stable sort keeps every file's own order)."""
    items.sort(key=_rank)
