"""Re-execute lessons in fresh kernels and store them with outputs but without widget state.

Usage: python tools/execute_lessons.py [lessons/NN_name.ipynb ...]   (default: every lesson)

Widget state is dropped because it would store ~5 MB of plotly.js per figure and JupyterLab 4 does
not restore it anyway; nbval skips widget-view outputs, so the stored text outputs are what the
tests compare.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

LESSONS = Path(__file__).resolve().parent.parent / "lessons"


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)
    print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s, "
          f"{path.stat().st_size / 1000:.0f} KB")


def main(args: list[str]) -> None:
    paths = [Path(arg).resolve() for arg in args] or sorted(LESSONS.glob("*.ipynb"))
    for path in paths:
        execute(path)


if __name__ == "__main__":
    main(sys.argv[1:])
