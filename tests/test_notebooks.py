"""Every chapter page has a notebook, made from the same run: same code, same outputs, valid nbformat,
rendered as a page of the site (with no CDN scripts) and downloadable from the chapter page."""

import json

import nbformat
import pytest
from site_tools import page_soup

from snippets import machine, runner
from snippets.notebooks import notebook

NOTEBOOK_PAGES = {
    "simple_attention": "simple-self-attention",
    "trainable_attention": "trainable-self-attention",
    "causal_attention": "causal-attention",
    "multihead_attention": "multi-head-attention",
    "dark_room": "dark-room",
    "exercises": "exercises",
}


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_each_notebook_holds_the_pages_code_and_outputs_in_order(built_site, walkthroughs, name):
    path = built_site / "notebooks" / name / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    walkthrough = walkthroughs[name]
    assert [cell.source for cell in code_cells] == list(walkthrough.code.values())
    printed = ["".join(o.text for o in cell.outputs) for cell in code_cells]
    assert printed == list(walkthrough.output.values())


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_each_editions_notebooks_name_the_machine_in_that_editions_language(built_site, lang):
    folder = built_site / ("" if lang == "en" else lang) / "notebooks"
    for name in NOTEBOOK_PAGES:
        intro = nbformat.read(folder / name / f"{name}.ipynb", as_version=4).cells[0].source
        assert machine.describe(lang) in intro, f"{lang} {name}: {intro}"


@pytest.mark.parametrize(("name", "page"), NOTEBOOK_PAGES.items())
def test_each_chapter_page_links_its_notebook_page_and_the_download(built_site, name, page):
    soup = page_soup(built_site / page / "index.html")
    hrefs = [a["href"] for a in soup.select("article a[href]")]
    assert f"../notebooks/{name}/" in hrefs, f"{page} does not link its notebook page"
    download = soup.select_one(f'article a[download][href="../notebooks/{name}/{name}.ipynb"]')
    assert download is not None, f"{page} has no download link for {name}.ipynb"
    notebook_page = (built_site / "notebooks" / name / "index.html").read_text(encoding="utf-8")
    assert f'href="{name}.ipynb"' in notebook_page, "the notebook page does not offer its own download"


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_notebook_pages_load_no_script_from_a_cdn(built_site, name):
    path = built_site / "notebooks" / name / "index.html"
    soup = page_soup(path)
    html = path.read_text(encoding="utf-8")
    sources = [script.get("src") for script in soup.find_all("script") if script.has_attr("src")]
    assert all(src and not src.startswith(("http:", "https:", "//")) for src in sources), sources
    assert "cdnjs" not in html and "jsdelivr" not in html and "unpkg" not in html


def test_a_notebook_is_valid_nbformat_even_for_sections_that_print_nothing(walkthroughs):
    nb = nbformat.from_dict(json.loads(json.dumps(notebook(walkthroughs["multihead_attention"], "t", "m"))))
    nbformat.validate(nb)
    batch_cell = next(cell for cell in nb.cells if cell.get("id") == "batch")
    assert batch_cell.outputs == []


def test_a_hung_section_is_stopped_with_a_clear_message(tmp_path, monkeypatch):
    script = tmp_path / "hangs.py"
    script.write_text("# --8<-- [start:forever]\nwhile True:\n    pass\n# --8<-- [end:forever]\n")
    monkeypatch.setattr(runner, "module_path", lambda name: script)
    with pytest.raises(runner.SectionTimeout, match=r"snippets.hangs, section forever at hangs.py:2, did not finish"):
        runner.run("hangs", section_timeout=0.5)
