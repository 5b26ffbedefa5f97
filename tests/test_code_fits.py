"""The code and output blocks of pages 3.3 to 3.6 fit their box: at a 1280-pixel window a box holds about
80 monospace characters, about 77 inside an admonition, so no line they show may be longer than 76.
Wider lines scroll sideways and hide their last values under the copy button (tests/test_browser.py
checks the rendered pages; this test finds the same lines in seconds, without a browser)."""

import re

import pytest
from conftest import REPO

from engine import catalog, runner
from engine.standalone import BLOCK

WIDTH = 76

# Every module whose sections pages 3.3 to 3.6 show, read off those pages' directives: walk-throughs, and
# attention.py and sentence.py, which have sections but print nothing of their own.
CHAPTER_PAGES = [page for page in catalog.PAGES if re.match(r"3\.[3-6] ", page.titles["en"])]
MODULES = sorted({match["module"] for page in CHAPTER_PAGES
                  for match in BLOCK.finditer((REPO / "docs" / page.source).read_text(encoding="utf-8"))})
WALKTHROUGHS = [name for name in MODULES if name in catalog.WALKTHROUGHS]


def test_the_walkthroughs_are_the_modules_that_print():
    assert len(CHAPTER_PAGES) == 4
    assert set(MODULES) - set(WALKTHROUGHS) == {"attention", "sentence"}


@pytest.mark.parametrize("name", MODULES)
def test_every_line_of_a_section_fits_the_box(name):
    path = runner.module_path(name)
    too_long = [
        f"{path.name}:{chunk.first_line + offset}: {len(line)} characters: {line.strip()}"
        for chunk in runner.split_chunks(path.read_text(encoding="utf-8"), str(path))
        if chunk.section is not None
        for offset, line in enumerate(chunk.code.splitlines())
        if len(line) > WIDTH
    ]
    assert not too_long, f"lines longer than {WIDTH} characters:\n" + "\n".join(too_long)


@pytest.mark.parametrize("name", WALKTHROUGHS)
def test_every_line_a_section_prints_fits_the_box(name):
    # Run here rather than through the session fixture: these seven run in about a second, and the
    # test stays fast when run alone.
    too_long = [
        f"{name}:{section}: output line {number}: {len(line)} characters: {line}"
        for section, output in runner.run(name).output.items()
        for number, line in enumerate(output.splitlines(), start=1)
        if len(line) > WIDTH
    ]
    assert not too_long, f"printed lines longer than {WIDTH} characters:\n" + "\n".join(too_long)
