"""A page's code as a Jupyter notebook: one code cell per block of the page, in page order, with the
headings as Markdown cells and the outputs the build printed.

The notebook is written from the page's program (``engine.standalone``) and the same single run that
fills the page, so the notebook, the ``.py`` download and the page show the same code and output.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

from engine.standalone import Block, Program, intro, sentences
from engine.words import DOWNLOADS


def notebook(page: Program, filename: str, made_with: str, lang: str = "en") -> dict:
    """The nbformat-4 notebook of ``page``, introduced in ``lang``; the code and outputs are the same in
    every language."""
    text = f"# {page.title}\n\n" + sentences(intro(made_with, lang), DOWNLOADS[lang]["run_notebook"])
    cells = [_markdown("intro", text)]
    if page.earlier:
        cells.append(_markdown("earlier-title", f"## {DOWNLOADS[lang]['earlier']}"))
        cells.append(_code("earlier", Block("", "earlier", page.earlier)))
    for number, item in enumerate(page.items, start=1):
        if isinstance(item, str):
            cells.append(_markdown(f"heading-{number}", item))
        else:
            cells.append(_code(f"{item.module.replace('.', '-')}-{item.section}-{number}", item))
    for count, cell in enumerate((cell for cell in cells if cell["cell_type"] == "code"), start=1):
        cell["execution_count"] = count
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _markdown(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def _code(cell_id: str, block: Block) -> dict:
    outputs = [{"output_type": "stream", "name": "stdout", "text": block.output}] if block.output else []
    return {
        "cell_type": "code",
        "id": cell_id,
        "execution_count": None,
        "metadata": {"section": f"{block.module}:{block.section}"} if block.module else {},
        "source": block.code,
        "outputs": outputs,
    }


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


FOLDER_PREFIX = "attention-notebooks-"


class Folder:
    """The temporary folder a build writes its rendered notebooks into, for mkdocs-jupyter to read.

    It is made when first asked for and removed by :meth:`remove` (the plugin calls it when the build
    or `mkdocs serve` ends). Its name carries the process id, so that the next build can remove the
    folders of builds that were killed before they could clean up (:func:`remove_stale`).
    """

    def __init__(self):
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        if self._path is None:
            remove_stale()
            self._path = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
        return self._path

    def remove(self) -> None:
        if self._path is not None:
            shutil.rmtree(self._path, ignore_errors=True)
            self._path = None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale(folder=None):
    """Remove the notebook folders of builds that were killed by a signal (the tests stop `mkdocs serve`
    with one), which never got to remove their own."""
    for path in Path(folder or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        pid = path.name.removeprefix(FOLDER_PREFIX).split("-")[0]
        if not pid.isdigit() or not _alive(int(pid)):  # no digits: named before folders carried a pid
            shutil.rmtree(path, ignore_errors=True)
