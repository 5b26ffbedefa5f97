"""A walk-through as a Jupyter notebook: one code cell per section, with the output the build printed.

The notebooks are written from the same single run that fills the pages, so a notebook, its page
and ``python -m snippets.NAME`` always show the same code and the same output.
"""

import json

from snippets.runner import Walkthrough

INTRO = {
    "en": (
        "# {title}\n\n"
        "The code of this page as a notebook: run the cells in order. The outputs below were produced "
        "by the site build with {made_with}. To run it yourself, install this site's `snippets` package "
        "first (`pip install -r requirements.txt` in the repository). [Download this notebook]({name}.ipynb)."
    ),
    "ja": (
        "# {title}\n\n"
        "このページのコードをノートブックにしたものです。セルを上から順に実行してください。"
        "下の出力は、サイトのビルドが{made_with}で実行して得たものです。自分で実行するには、"
        "先にこのサイトの`snippets`パッケージをインストールしてください"
        "（リポジトリで`pip install -r requirements.txt`）。[このノートブックをダウンロード]({name}.ipynb)。"
    ),
}


def notebook(walkthrough: Walkthrough, title: str, made_with: str, lang: str = "en") -> dict:
    """The nbformat-4 notebook for ``walkthrough``, as a JSON-ready dict, introduced in ``lang``.
    The code and outputs are the same in every language."""
    intro = INTRO[lang].format(title=title, made_with=made_with, name=walkthrough.name)
    cells = [{"cell_type": "markdown", "id": "intro", "metadata": {}, "source": intro}]
    for count, (section, code) in enumerate(walkthrough.code.items(), start=1):
        output = walkthrough.output[section]
        cells.append({
            "cell_type": "code",
            "id": section,
            "execution_count": count,
            "metadata": {"section": f"{walkthrough.name}:{section}"},
            "source": code,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": output}] if output else [],
        })
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
