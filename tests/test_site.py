"""The built site shows the code that ran and exactly what it printed, loads nothing from other hosts,
and has no number typed in by hand."""

import ast
import itertools
import os
import re

import pytest
from conftest import REPO
from editions import PREFIXES, TRANSLATIONS
from site_tools import fetch, mkdocs_yml, output_titles, page_soup, wait_for

from engine import catalog, directives, runner

DOCS = REPO / "docs"
# The chapter's sections, 3.1 to 3.6, in the catalog's order.
CHAPTER_PAGES = [page.name for page in catalog.PAGES if re.match(r"3\.\d ", page.titles["en"])]


def html_pages(site):
    return sorted(site.rglob("*.html"))


def code_blocks(page):
    """(title, text) of every highlighted block on a page, in order."""
    blocks = []
    for block in page.select("div.highlight"):
        title = block.select_one(".filename")
        blocks.append((title.get_text() if title else None, block.select_one("code").get_text()))
    return blocks


def test_every_output_block_on_the_site_is_what_its_code_printed(built_site, walkthroughs):
    shown = set()
    for page in html_pages(built_site):
        blocks = code_blocks(page_soup(page))
        for (title, code), (next_title, next_text) in itertools.pairwise([*blocks, (None, "")]):
            match = re.fullmatch(r"snippets/([\w/]+)\.py", title or "")
            if not match or match.group(1).replace("/", ".") not in walkthroughs:
                continue
            walkthrough = walkthroughs[match.group(1).replace("/", ".")]
            sections = [name for name, text in walkthrough.code.items() if text == code.rstrip("\n")]
            assert sections, f"{page}: a block titled {title} is not a section of that module:\n{code}"
            section = sections[0]
            shown.add((walkthrough.name, section))
            expected = walkthrough.output[section].rstrip("\n")
            actual = next_text.rstrip("\n") if next_title in output_titles() else ""
            assert actual == expected, f"{page}: output under {walkthrough.name}:{section} is stale"
    everything = {(w.name, section) for w in walkthroughs.values() for section in w.code}
    assert shown == everything, f"sections no page shows: {sorted(everything - shown)}"


def test_walkthrough_code_outside_sections_is_only_docstrings_and_what_earlier_pages_define():
    """Outside its sections a walk-through may only import from the package: a page shows those
    definitions in its "From earlier pages" block (tests/test_standalone.py runs the pages without it)."""
    for name in catalog.WALKTHROUGHS:
        path = runner.module_path(name)
        for chunk in runner.split_chunks(path.read_text(encoding="utf-8")):
            if chunk.section is None:
                hidden = [
                    node for node in ast.parse(chunk.code).body
                    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
                    and not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("snippets."))
                ]
                assert not hidden, f"{path}:{chunk.first_line}: code runs that no page shows"


def test_the_issue_example_values_are_on_the_pages(built_site):
    expected = {
        "simple-self-attention": [
            "tensor([0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865])",
            "[[0.4421, 0.5931, 0.5790]",
        ],
        "trainable-self-attention": ["query_2: tensor([0.4306, 1.4551])", "[[0.2996, 0.8053]"],
        "multi-head-attention": ["[[[0.3190, 0.4858]"],
    }
    for page, snippets_of_text in expected.items():
        text = page_soup(built_site / page / "index.html").get_text()
        for snippet in snippets_of_text:
            assert snippet in text, f"{page} does not show {snippet}"


def test_the_pages_contain_no_hand_typed_outputs():
    """Numbers with three or more decimals, or printed tensors, may only come from directives."""
    directive = re.compile(r"\{\{ (?:run|code|value) [^}]*\}\}")
    for page in DOCS.glob("*.md"):
        text = directive.sub("", page.read_text(encoding="utf-8"))
        typed = re.findall(r"\d\.\d{3,}|tensor\(", text)
        assert not typed, f"{page.name} types outputs by hand: {typed}"


def test_prose_numbers_are_read_from_the_same_run(built_site, walkthroughs):
    text = " ".join(page_soup(built_site / "simple-self-attention" / "index.html").get_text().split())
    ns = walkthroughs["chapter.simple_attention"].namespace
    assert f"The highest score, {ns['attn_scores_2'].max():.4f}, is for \"journey\"" in text
    assert f"puts the largest share, {ns['attn_weights_2'].max():.4f}, on \"journey\"" in text


def test_math_is_rendered_as_mathml_with_no_tex_left(built_site):
    for page in CHAPTER_PAGES[1:]:
        html = (built_site / page / "index.html").read_text(encoding="utf-8")
        assert "<math" in html, f"{page} has no rendered math"
        assert "arithmatex" not in html and "\\(" not in html and "\\[" not in html, f"{page} has raw TeX"


def test_no_page_loads_anything_from_another_host(built_site):
    external = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
    loaded = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
              "video": "src", "embed": "src", "object": "data", "link": "href"}
    for page in html_pages(built_site):
        parsed = page_soup(page)
        for tag, attribute in loaded.items():
            for element in parsed.find_all(tag):
                url = element.get(attribute, "")
                assert not external.match(url), f"{page} loads {url}"
        for element in parsed.find_all(srcset=True):
            assert "//" not in element["srcset"], f"{page} loads {element['srcset']}"
    for stylesheet in built_site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", stylesheet.read_text()):
            assert not any(external.match(part) for part in url), f"{stylesheet} loads {url}"


def test_materials_network_features_stay_off():
    """Material fetches from GitHub when repo_url is set, Google Fonts unless font is false, and a
    CDN for Mermaid diagrams; none of them may be switched on."""
    config = mkdocs_yml()
    assert "repo_url" not in config
    assert config["theme"]["font"] is False
    assert not any("mermaid" in page.read_text() for page in DOCS.glob("*.md"))


def test_home_page_links_every_section_in_order(built_site):
    links = [a["href"] for a in page_soup(built_site / "index.html").select("article table a")]
    assert [link.strip("./").removesuffix("/") for link in links] == CHAPTER_PAGES


def test_every_internal_link_resolves(built_site):
    for page in html_pages(built_site):
        for anchor in page_soup(page).find_all("a", href=True):
            href = anchor["href"].split("#")[0]
            if not href or re.match(r"^[a-z]+:", href):
                continue
            base = built_site if href.startswith("/") else page.parent  # the 404 page links from the root
            target = (base / href.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{page}: broken link {anchor['href']}"


def test_the_site_credits_the_book_and_states_its_licences(built_site):
    text = " ".join(page_soup(built_site / "index.html").get_text().split())
    assert "https://github.com/rasbt/LLMs-from-scratch" in str(page_soup(built_site / "index.html"))
    for phrase in ["Sebastian Raschka", "not affiliated", "MIT licence", "CC BY 4.0"]:
        assert phrase in text


def test_dropout_note_names_the_machine_that_built_the_page(built_site):
    from snippets import machine

    text = " ".join(page_soup(built_site / "causal-attention" / "index.html").get_text().split())
    assert f"This page was built with {machine.describe()}" in text


def test_mkdocs_serve_shows_new_numbers_after_a_snippet_edit_and_new_prose_after_a_page_edit(served_copy):
    copy, base = served_copy
    url = base + "simple-self-attention/"
    wait_for(url, "0.9544, 1.4950", 120)  # TimeoutError: mkdocs serve never served the 3.3 page
    sentence = copy / "snippets" / "sentence.py"
    sentence.write_text(sentence.read_text().replace("[0.43, 0.15, 0.89]", "[0.53, 0.15, 0.89]"))
    # "Your" · "journey" grows by 0.10 × 0.55 = 0.055; TimeoutError: the page kept the old numbers
    wait_for(url, "1.0094, 1.4950", 60)
    # A prose edit re-renders only that page (engine/caches.py), with the new numbers kept.
    page = copy / "docs" / "simple-self-attention.md"
    page.write_text(page.read_text() + "\nA sentence added by the test.\n")
    wait_for(url, "added by the test", 60)
    assert "1.0094, 1.4950" in fetch(url)


def test_code_names_unwrapped_for_weight_look_the_same_because_material_colours_them_as_code_text(built_site):
    """engine/page_weight.py drops Pygments' spans around names and whitespace in code blocks; that
    changes nothing on screen only while Material gives names the code's own colour and .w no style."""
    stylesheets = [*(built_site / "assets" / "stylesheets").glob("*.css"), built_site / "assets" / "site.css"]
    css = "".join(path.read_text(encoding="utf-8") for path in stylesheets)
    settings = set(re.findall(r"--md-code-hl-name-color:\s*([^;}]+)", css))
    assert settings == {"var(--md-code-fg-color)"}, settings
    assert not re.search(r"\.highlight \.w\b", css), "a stylesheet now styles whitespace tokens"
    page = (built_site / "questions" / "index.html").read_text(encoding="utf-8")
    assert '<span class="n">' not in page and "<span class=\"p\">" in page


def test_the_pages_say_where_the_repository_is_from_the_configuration_or_how_to_get_the_code():
    sentence = directives.repository_sentence
    assert "<https://example.org/attention>" in sentence("https://example.org/attention", "en")
    for lang in TRANSLATIONS:
        assert "<https://example.org/attention>" in sentence("https://example.org/attention", lang)
    assert "does not name the repository" in sentence("", "en")
    with pytest.raises(directives.DirectiveError, match="should be its web address"):
        directives.Directives(runner.Runs(), repository="attention")


def test_the_home_page_and_run_it_yourself_tell_readers_where_the_code_is(built_site):
    configured = os.environ.get("SITE_REPOSITORY", "")
    for edition, lang in zip(PREFIXES, ("en", *TRANSLATIONS), strict=True):
        for page in ("", "run-it-yourself/"):
            article = page_soup(built_site / edition / page / "index.html").select_one("article")
            if configured:
                assert article.select_one(f'a[href="{configured}"]'), f"{edition}{page} does not link {configured}"
            else:
                without = directives.repository_sentence("", lang)
                assert without in article.get_text(), f"{edition}{page} does not say how to get the code"


def test_the_sites_own_stylesheets_are_sent_without_comments_and_with_every_rule(built_site):
    from engine.page_weight import lighter_stylesheet

    for source in sorted(DOCS.glob("assets/*.css")):
        css = source.read_text(encoding="utf-8")
        assert not re.search(r"[\"'][^\"'\n]*/\*", css), f"{source.name}: a string holds /*, which the cut breaks"
        sent = (built_site / "assets" / source.name).read_text(encoding="utf-8")
        assert sent == lighter_stylesheet(css) and "/*" not in sent, source.name
        without_comments = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
        assert sent.split() == without_comments.split(), f"{source.name}: the cut changed more than comments"
