"""Every page with code stands alone: its Python blocks, pasted in page order into a Python that has
PyTorch and not this site's `snippets` package, print what the page shows under each block; and so do
its `.py` and `.ipynb` downloads, which hold exactly the page's blocks."""

import ast
import concurrent.futures
import functools
import re
import subprocess
import sys

import nbformat
import pytest
from editions import PREFIXES
from reader_runs import diff, problems, reader_folder, run_blocks, run_notebook, run_script
from site_tools import page_soup, pages_with_code, reader_blocks

from engine import standalone

EDITIONS = PREFIXES
PAGES = pages_with_code()
EDITION_PAGES = [f"{edition}{page}" for edition in EDITIONS for page in PAGES]


def blocks_of(site, page):
    return reader_blocks(page_soup(site / page / "index.html"))


def download(site, page, kind):
    edition, _, name = page.rpartition("/")
    return site / edition / "downloads" / f"{name}.{kind}"


def script_cells(text: str) -> list[str]:
    """The code cells of a percent-format script (``# %%`` starts a cell; ``# %% [markdown]`` a text one)."""
    cells = re.split(r"^# %%.*\n", text, flags=re.M)
    markers = re.findall(r"^# %%.*$", text, flags=re.M)
    return [cell.strip("\n") for marker, cell in zip(markers, cells[1:], strict=True) if "[markdown]" not in marker]


def without_comment_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


@functools.cache
def _pool():
    return concurrent.futures.ThreadPoolExecutor(max_workers=2)


@pytest.fixture(scope="session")
def block_runs(built_site):
    """Each distinct page program, run once as pasted blocks: code tuple -> report. The editions show
    the same code, so each program runs once for both."""
    programs = {tuple(code for code, _ in blocks_of(built_site, page)) for page in EDITION_PAGES}
    futures = {program: _pool().submit(run_blocks, list(program)) for program in programs}
    return {program: future.result() for program, future in futures.items()}


@pytest.fixture(scope="session")
def script_runs(built_site):
    """Each distinct `.py` download run once with `python PAGE.py`: its code, comments aside -> result.
    The editions' scripts differ only in comments (checked below)."""
    scripts = {}
    for page in EDITION_PAGES:
        path = download(built_site, page, "py")
        scripts.setdefault(without_comment_lines(path.read_text("utf-8")), path)
    futures = {code: _pool().submit(run_script, path) for code, path in scripts.items()}
    return {code: future.result() for code, future in futures.items()}


@pytest.fixture(scope="session")
def notebook_runs(built_site):
    """Each distinct `.ipynb` download executed once under nbclient: its code cells -> executed notebook."""
    notebooks = {}
    for page in EDITION_PAGES:
        notebook = nbformat.read(download(built_site, page, "ipynb"), as_version=4)
        notebooks.setdefault(tuple(cell.source for cell in notebook.cells if cell.cell_type == "code"), notebook)
    futures = {cells: _pool().submit(run_notebook, notebook) for cells, notebook in notebooks.items()}
    return {cells: future.result() for cells, future in futures.items()}


def test_the_pages_with_code_are_the_ones_with_downloads(built_site):
    for edition in EDITIONS:
        downloads = sorted(path.stem for path in (built_site / edition / "downloads").glob("*.py"))
        assert downloads == PAGES, f"{edition or 'en'}: downloads {downloads}, pages with code {PAGES}"
    for page in EDITION_PAGES:
        assert blocks_of(built_site, page), f"{page} has a run-it box but no Python block"


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_each_pages_blocks_pasted_in_order_print_what_the_page_shows(built_site, block_runs, page):
    blocks = blocks_of(built_site, page)
    report = block_runs[tuple(code for code, _ in blocks)]
    found = problems(page, [shown for _, shown in blocks], report)
    assert not found, "\n\n".join(found)


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_each_download_script_holds_the_pages_blocks_and_prints_its_outputs(built_site, script_runs, page):
    blocks = blocks_of(built_site, page)
    text = download(built_site, page, "py").read_text("utf-8")
    assert script_cells(text) == [code.strip("\n") for code, _ in blocks], f"{page}.py is not the page's blocks"
    done = script_runs[without_comment_lines(text)]
    assert done.returncode == 0, f"python {page}.py failed:\n{done.stderr}"
    expected = "".join(shown.rstrip("\n") + "\n" for _, shown in blocks if shown)
    assert done.stdout == expected, f"python {page}.py:\n{diff(expected, done.stdout)}"


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_each_download_notebook_holds_the_pages_blocks_and_runs_alone_under_nbclient(built_site, notebook_runs, page):
    blocks = blocks_of(built_site, page)
    notebook = nbformat.read(download(built_site, page, "ipynb"), as_version=4)
    nbformat.validate(notebook)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.source for cell in code_cells] == [code.strip("\n") for code, _ in blocks]
    saved = ["".join(output.text for output in cell.outputs).rstrip("\n") for cell in code_cells]
    assert saved == [shown.rstrip("\n") for _, shown in blocks], f"{page}.ipynb: its outputs are not the page's"
    headings = [cell.source.lstrip("#").strip().replace("`", "") for cell in notebook.cells[1:]
                if cell.cell_type == "markdown" and cell.id.startswith("heading-")]
    shown = [h.get_text().removesuffix("¶").strip() for h in page_soup(built_site / page / "index.html")
             .select("article :is(h2, h3, h4)")]
    remaining = iter(shown)  # the page's headings, in order; those of sections without code are left out
    assert headings and all(heading in remaining for heading in headings), f"{page}.ipynb: {headings} vs {shown}"
    executed = notebook_runs[tuple(cell.source for cell in code_cells)]
    report = [
        {"printed": "".join(output.get("text", "") for output in cell.outputs), "error": None}
        for cell in executed.cells if cell.cell_type == "code"
    ]
    found = problems(f"{page}.ipynb", [shown for _, shown in blocks], report)
    assert not found, "\n\n".join(found)


def test_the_editions_downloads_differ_only_in_words(built_site):
    for page in PAGES:
        english, *others = (download(built_site, f"{edition}{page}", "py").read_text("utf-8") for edition in EDITIONS)
        for edition, other in zip(EDITIONS[1:], others, strict=True):
            assert without_comment_lines(other) == without_comment_lines(english), f"{edition}{page}"


def test_the_check_fails_naming_the_page_and_the_block_when_a_block_uses_an_undefined_name():
    blocks = ["x = 6\nprint(x)", "print(x * undefined_name)"]
    found = problems("a page", ["6", "42"], run_blocks(blocks))
    assert len(found) == 1 and found[0].startswith("a page, block 2 raised an error:"), found
    assert "NameError: name 'undefined_name' is not defined" in found[0]


def test_the_check_fails_with_a_diff_when_a_block_prints_something_else():
    found = problems("a page", ["tensor([1., 2.])"], run_blocks(["print('tensor([1., 3.])')"]))
    assert found and "a page, block 1 printed what the page does not show" in found[0]
    assert "-tensor([1., 2.])\n+tensor([1., 3.])" in found[0]


def test_a_readers_python_cannot_import_this_sites_package():
    report = run_blocks(["import torch\nprint(torch.__version__)", "import snippets"])
    assert report[0]["error"] is None
    assert "ModuleNotFoundError" in report[1]["error"] and "snippets" in report[1]["error"]


def test_pythons_plain_prompt_ends_a_class_at_its_first_empty_line_as_run_it_yourself_warns(built_site):
    """Run it yourself sends Python 3.11's plain `>>>` prompt users to Jupyter, IPython or the script:
    pasted there, 3.4's SelfAttention_v1 ends at its first empty line, before its methods."""
    if sys.version_info[:2] != (3, 11):
        pytest.skip(f"the page describes Python 3.11's prompt; this is Python {sys.version.split()[0]}")
    blocks = blocks_of(built_site, "trainable-self-attention")
    code = next(code for code, _ in blocks if "class SelfAttention_v1" in code)
    pasted = f"from torch import nn\n{code.strip()}\n\nprint('has forward:', 'forward' in vars(SelfAttention_v1))\n"
    with reader_folder() as (work, environment):
        prompt = subprocess.run(
            [sys.executable, "-i", "-q"], input=pasted, capture_output=True, text=True, cwd=work, env=environment
        )
    assert "IndentationError" in prompt.stderr and "has forward: False" in prompt.stdout, prompt.stderr
    assert run_blocks([pasted])[0] == {"printed": "has forward: True\n", "error": None}


def test_the_pages_code_imports_only_pytorch_and_pythons_own_modules(built_site):
    """Run it yourself: "the code on the pages imports only torch and Python's own modules" (the tests'
    Python has more installed, so running alone would not show it)."""
    for page in PAGES:
        tree = ast.parse(download(built_site, page, "py").read_text("utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        outside = {name for name in imported if name.split(".")[0] not in {"torch", *sys.stdlib_module_names}}
        assert not outside, f"{page} imports {sorted(outside)}"


def test_the_script_is_in_the_percent_format_that_editors_run_cell_by_cell(built_site):
    """jupytext, which defines the `# %%` format, reads each script as the page's blocks, cell by cell."""
    import jupytext

    for page in PAGES:
        text = download(built_site, page, "py").read_text("utf-8")
        cells = [cell.source for cell in jupytext.reads(text, fmt="py:percent").cells if cell.cell_type == "code"]
        assert cells == [code.strip("\n") for code, _ in blocks_of(built_site, page)], page


def test_a_page_that_uses_a_name_before_showing_its_section_fails_the_build_with_a_clear_message():
    page = "# A page\n\n{{ standalone }}\n\n{{ run chapter.simple_attention:dot_product }}\n"
    with pytest.raises(standalone.StandaloneError) as error:
        standalone.program(page, "a-page.md", {})
    assert str(error.value) == (
        "a-page.md: chapter.simple_attention:dot_product: 'query' comes from section 'setup' of "
        "snippets.chapter.simple_attention, which the page does not show before this block"
    )


def test_the_earlier_block_holds_what_the_page_reuses_once_with_its_imports_first():
    page = "# A page\n\n{{ standalone }}\n\n{{ run chapter.causal_attention:weights_from_v2 }}\n"
    earlier = standalone.program(page, "a-page.md", {}).earlier
    assert earlier.startswith("import torch\nfrom torch import nn\n\n\n")
    assert standalone.defined_names(earlier) == ["check_input", "check_heads", "SelfAttention_v2", "tokens", "inputs"]
    assert earlier.count("class SelfAttention_v2") == 1


def test_a_download_leaves_out_the_headings_of_sections_without_code():
    from engine.standalone import Block, _with_code

    block = Block("m", "s", "x = 1\n", "")
    items = ["## Results", "### A chart", "### A table", "## Built", "### Data", block, "### Empty", "## Last"]
    assert _with_code(items) == ["## Built", "### Data", block]
