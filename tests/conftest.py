"""Shared test settings.

- hypothesis runs the same examples on every machine, with no deadline (a loaded 2-core CI machine
  must not turn a slow example into a failure);
- the suite runs in two xdist workers (``-n 2 --dist loadgroup`` in pyproject.toml). Each test
  file is one group, so a notebook's cells stay in order in one kernel (what nbval needs); the
  JupyterLab browser lessons are split into two groups (one server and one Chromium per worker);
  the browser edition is one group (its site is built once), queued first because it is the
  longest.
"""

import pytest
from hypothesis import settings

settings.register_profile("isomargin", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("isomargin")

BROWSER_GROUPS = 2     # JupyterLab browser lessons: one group per worker
LONGEST_FIRST = ("test_lite_edition.py", "test_lessons_in_browser.py", "test_binder.py",
                 "test_numpy_floor.py")


def _group(item, index: int) -> str:
    name = item.path.name
    if name == "test_lessons_in_browser.py":
        return f"jupyterlab-{index % BROWSER_GROUPS}"
    return str(item.path.relative_to(item.config.rootpath))


def _rank(item) -> int:
    name = item.path.name
    return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark each test with its xdist group (read by xdist's own hook, which runs after this one)
    and queue the long groups first (a stable sort keeps every file's own order)."""
    browser_index = 0
    for item in items:
        if item.path.name == "test_lessons_in_browser.py":
            group, browser_index = _group(item, browser_index), browser_index + 1
        else:
            group = _group(item, 0)
        item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=_rank)
