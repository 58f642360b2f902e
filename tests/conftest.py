"""Shared test settings.

- hypothesis runs the same examples on every machine, with no deadline (a loaded 2-core CI machine
  must not turn a slow example into a failure);
- the suite runs in two xdist workers (``-n 2 --dist loadscope`` in pyproject.toml), scheduled in
  groups: each test file is one group, so a notebook's cells stay in order in one kernel (what
  nbval needs); the lessons of each browser file (JupyterLab, the browser edition) are split into
  two halves, one Chromium per worker and half. The browser edition's site is built once for
  the run (the first half builds it; the second, queued after both JupyterLab halves, reuses
  it), so neither worker ends the run alone on a long group. The long groups are queued first.
"""

import re
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("isomargin", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("isomargin")

LESSONS = sorted(p.stem for p in (Path(__file__).parents[1] / "lessons").glob("*.ipynb"))
BROWSER_GROUPS = 2
SPLIT_FILES = ("test_lessons_in_browser.py", "test_lite_edition.py")
LONGEST_FIRST = ("test_lite_edition.py#0", "test_lessons_in_browser.py#0",
                 "test_lessons_in_browser.py#1", "test_lite_edition.py#1", "test_binder.py",
                 "test_numpy_floor.py")


def suite_group(nodeid: str) -> str:
    """The group a test runs in: its file, or for a browser file one of two halves (by lesson;
    the browser edition's other tests go with the first half, which builds the site)."""
    path = nodeid.split("::", 1)[0]
    if not path.endswith(SPLIT_FILES):
        return path
    lesson = re.search(r"\[([^\]]+)\]$", nodeid)
    half = LESSONS.index(lesson[1]) % BROWSER_GROUPS if lesson and lesson[1] in LESSONS else 0
    return f"{path}#{half}"


@pytest.hookimpl(optionalhook=True)  # an environment without xdist runs on one worker
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return suite_group(nodeid)

    return GroupScheduling(config, log)


def _rank(item) -> int:
    group = suite_group(item.nodeid).rsplit("/", 1)[-1]
    return LONGEST_FIRST.index(group) if group in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(items):
    """Queue the long groups first (a stable sort keeps every group's own order)."""
    items.sort(key=_rank)
