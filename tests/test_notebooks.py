"""The pages the nav lists under Notebooks are also rendered as notebook pages: the same notebook as the
page's download (tests/test_standalone.py runs it), with no CDN scripts, linked from the page, each
edition's introduced in its own language."""

import json

import nbformat
import pytest
from editions import PREFIXES, TRANSLATIONS
from site_tools import page_soup, pages_with_code

from engine import catalog, notebooks, runner, standalone, words
from engine.notebooks import notebook

NOTEBOOK_PAGES = sorted(page.name for page in catalog.NOTEBOOK_PAGES)


def test_the_nav_lists_notebooks_of_pages_with_code():
    assert NOTEBOOK_PAGES and set(NOTEBOOK_PAGES) <= set(pages_with_code()), NOTEBOOK_PAGES


@pytest.mark.parametrize("edition", PREFIXES)
@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_each_notebook_page_renders_the_pages_download(built_site, edition, name):
    rendered = built_site / edition / "notebooks" / name / f"{name}.ipynb"
    assert rendered.read_bytes() == (built_site / edition / "downloads" / f"{name}.ipynb").read_bytes()


@pytest.mark.parametrize("lang", ["en", *TRANSLATIONS])
def test_each_editions_notebooks_name_the_machine_in_that_editions_language(built_site, lang):
    folder = built_site / ("" if lang == "en" else lang) / "downloads"
    for path in sorted(folder.glob("*.ipynb")):
        intro = nbformat.read(path, as_version=4).cells[0].source
        assert words.machine_sentence(lang) in intro, f"{lang} {path.name}: {intro}"


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_each_chapter_page_links_its_notebook_page_and_the_downloads(built_site, name):
    soup = page_soup(built_site / name / "index.html")
    hrefs = [a["href"] for a in soup.select("article a[href]")]
    assert f"../notebooks/{name}/" in hrefs, f"{name} does not link its notebook page"
    for kind in ("py", "ipynb"):
        link = soup.select_one(f'article a[download][href="../downloads/{name}.{kind}"]')
        assert link is not None, f"{name} has no download link for {name}.{kind}"
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


def test_a_notebook_is_valid_nbformat_even_for_blocks_that_print_nothing(walkthroughs):
    markdown = "# A page\n\n{{ standalone }}\n\n## Two heads\n\n{{ code chapter.multihead_attention:batch }}\n"
    outputs = {name: walkthrough.output for name, walkthrough in walkthroughs.items()}
    page = standalone.program(markdown, "a-page.md", outputs)
    nb = nbformat.from_dict(json.loads(json.dumps(notebook(page, "a-page.ipynb", "m"))))
    nbformat.validate(nb)
    batch_cell = next(cell for cell in nb.cells if cell.metadata.get("section") == "chapter.multihead_attention:batch")
    assert batch_cell.outputs == []
    assert [cell.cell_type for cell in nb.cells] == ["markdown", "markdown", "code", "markdown", "code"]


def test_a_hung_section_is_stopped_with_a_clear_message(tmp_path, monkeypatch):
    script = tmp_path / "hangs.py"
    script.write_text("# --8<-- [start:forever]\nwhile True:\n    pass\n# --8<-- [end:forever]\n")
    monkeypatch.setattr(runner, "module_path", lambda name: script)
    with pytest.raises(runner.SectionTimeout, match=r"snippets.hangs, section forever at hangs.py:2, did not finish"):
        runner.run("hangs", section_timeout=0.5)


def test_a_build_removes_the_notebook_folders_that_killed_builds_left_behind(tmp_path):
    """A build's notebook folder carries its process id; the next build removes those whose process is
    gone (killed builds never ran their atexit cleanup) and keeps those of builds still running."""
    import os

    names = {"dead": "attention-notebooks-999999999-a", "running": f"attention-notebooks-{os.getpid()}-b",
             "unnamed": "attention-notebooks-c1d2"}
    for name in names.values():
        (tmp_path / name / "ja").mkdir(parents=True)
    notebooks.remove_stale(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == [names["running"]]
