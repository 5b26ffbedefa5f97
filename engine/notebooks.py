"""A page's code as a Jupyter notebook: one code cell per block of the page, in page order, with the
headings as Markdown cells and the outputs the build printed.

The notebook is written from the page's program (``engine.standalone``) and the same single run that
fills the page, so the notebook, the ``.py`` download and the page show the same code and output.
"""

import json

from engine.standalone import WORDS, Block, Program, intro, sentences


def notebook(page: Program, filename: str, made_with: str, lang: str = "en") -> dict:
    """The nbformat-4 notebook of ``page``, introduced in ``lang``; the code and outputs are the same in
    every language."""
    text = f"# {page.title}\n\n" + sentences(intro(made_with, lang), WORDS[lang]["run_notebook"])
    cells = [_markdown("intro", text)]
    if page.earlier:
        cells.append(_markdown("earlier-title", f"## {WORDS[lang]['earlier']}"))
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
