"""The built site in a real browser (Debian's Chromium driven by Playwright): offline, error-free,
accessible, readable in both colour schemes, usable on a phone, and light.

The tests that take ``visits`` assert what the browser gate (tests/browser_gate.py) found on every
page; the others drive the browser themselves. Outside CI, a machine without Chromium skips these
tests with a message saying how to install it; in CI (CI=true) a missing browser fails them.
Screenshots of every page land in tests/screenshots/.
"""

import itertools
import re

import pytest
from browser_gate import MATH, TEXT_COLOURS
from conftest import PAGE_REPORT
from site_tools import edition_of, page_budget_kb, page_soup, sent_bytes

from engine import mathml, page_weight

SEARCHES = {  # edition -> query -> the page it must find among the top three results
    "": {
        "causal mask": "causal-attention/",
        "dropout": "causal-attention/",
        "softmax": "simple-self-attention/",
        "register_buffer": "causal-attention/",
        "dark room": "dark-room/",
        "masked attention": "causal-attention/",  # another name the glossary lists
    },
    "ja/": {
        "因果的アテンション": "ja/causal-attention/",
        "ドロップアウト": "ja/causal-attention/",
        "ソフトマックス": "ja/simple-self-attention/",
        "暗い部屋": "ja/dark-room/",
        "アテンション重み": "ja/simple-self-attention/",
        "注意機構": "ja/glossary/",
        "文脈ベクトル": "ja/glossary/",
    },
    "ko/": {
        "셀프 어텐션": "ko/simple-self-attention/",
        "인과적 어텐션": "ko/causal-attention/",
        "코잘 어텐션": "ko/causal-attention/",  # the notes' word for it, which 3.5 names
        "소프트맥스": "ko/simple-self-attention/",
        "드롭아웃": "ko/causal-attention/",
        "마스크": "ko/causal-attention/",
        "문맥 벡터": "ko/simple-self-attention/",
        "어두운 방": "ko/dark-room/",
    },
}
# Queries whose page must come first, with every word of the query found on it.
FIRST = {"": ["dark room"], "ja/": ["暗い部屋"], "ko/": ["어두운 방", "코잘 어텐션"]}


def test_no_request_goes_to_another_host(visits):
    for (name, scheme), record in visits.items():
        assert not record["external"], f"{name} ({scheme}) asked another host for {record['external'][0]}"


def test_no_console_error_and_no_failed_request(visits):
    for (name, scheme), record in visits.items():
        bad = [f"{status} {url}" for url, status in record["requests"] if status >= 400]
        assert not record["errors"] and not bad, f"{name} ({scheme}): {record['errors'] + bad}"


def test_every_image_loads_and_every_figure_has_a_text_alternative(visits):
    for (name, scheme), record in visits.items():
        if scheme == "light":
            assert not record["figures"], f"{name}: {record['figures']}"


def test_math_is_rendered_not_left_as_tex(visits):
    light = {name: record for (name, scheme), record in visits.items() if scheme == "light"}
    for name, record in light.items():
        assert not record["math"]["tex"], f"{name} shows raw TeX"
        assert not record["math"]["empty"], f"{name} has math elements rendered with no size"
        overprinted = record["math"]["overprinted"]
        assert not overprinted, f"{name}: symbols drawn over each other: {overprinted}"
    assert sum(record["math"]["count"] > 0 for record in light.values()) >= 5


def test_the_math_check_finds_a_label_drawn_over_its_neighbours(browser):
    """What latex2mathml makes of \\xrightarrow, unmended (see engine/mathml.py), overprints in
    Chromium, and the gate's check says so; the mended formula passes."""
    from latex2mathml.converter import convert

    tex = r"(b, T) \xrightarrow{\texttt{transpose(1, 2)}} (b, h, T)"
    page = browser.new_page()
    found = {}
    for name, formula in (("raw", convert(tex, display="block")), ("mended", mathml._convert(tex, "block"))):
        page.set_content(f"<article>{formula}</article>")
        found[name] = page.evaluate(MATH)["overprinted"]
    page.close()
    assert found["raw"] and not found["mended"], found


def test_nothing_overflows_a_375_pixel_screen_except_scrollable_code_and_tables(visits):
    for (name, scheme), record in visits.items():
        if scheme == "light":
            narrow = record["narrow"]
            assert not narrow["overflowing"] and narrow["pageWidth"] <= 375, f"{name}: {narrow}"


def test_no_code_or_output_block_of_a_chapter_page_scrolls_sideways_at_1280_pixels(visits):
    """At a desktop width, a reader sees every value of every block of 3.3 to 3.6 without scrolling it,
    the last ones included, which would otherwise hide under the copy button."""
    chapters = ("simple-self-attention/", "trainable-self-attention/", "causal-attention/", "multi-head-attention/")
    for (name, scheme), record in visits.items():
        if scheme == "light" and edition_of(name)[1] in chapters:
            wide = record["wide_blocks"]
            assert not wide, f"{name}: {len(wide)} blocks wider than their box, longest lines: {wide[:5]}"


def test_axe_reports_no_serious_or_critical_violation(visits):
    for (name, scheme), record in visits.items():
        if scheme == "light":
            assert not record["axe"], f"{name}: {record['axe']}"


def test_all_text_has_enough_contrast_in_both_schemes_on_every_page(visits):
    """4.5:1 for ordinary text, 3:1 for large text (WCAG AA), code, math and the site's chrome included."""
    for (name, scheme), record in visits.items():
        weak = [(example, fg, bg) for fg, bg, size, example in record["text_colours"]["pairs"]
                if contrast(fg, bg) < (3.0 if size == "large" else 4.5)]
        assert not weak, f"{name} ({scheme}): text below the contrast it needs: {weak}"
        assert record["text_colours"]["count"] >= 10, f"{name} ({scheme}): too little text found to check"


def test_the_text_contrast_check_finds_pale_and_translucent_text(browser):
    """What stands in for axe's contrast rule (see browser_gate.AXE_OPTIONS) catches what that rule
    would: pale text, translucent text, and text on a translucent background over a dark one."""
    page = browser.new_page()
    page.set_content(
        "<body style='background: #fff'><p style='color: #999'>pale grey on white</p>"
        "<p style='color: rgba(0, 0, 0, 0.4)'>translucent black on white</p>"
        "<div style='background: #222'><p style='background: rgba(255, 255, 255, 0.1); color: #666'>"
        "grey on a veil over near-black</p></div><p>black on white, which passes</p></body>")
    found = page.evaluate(TEXT_COLOURS)
    page.close()
    ratios = [round(contrast(fg, bg), 1) for fg, bg, size, example in found["pairs"]]
    assert found["count"] == 4
    assert sorted(ratios) == [2.0, 2.8, 2.8, 21.0], found["pairs"]  # the veil makes #222 into #383838


def test_the_copy_button_copies_the_code_without_prompts_or_line_numbers(browser, server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + "causal-attention/", wait_until="load")
    page.locator("details summary", has_text="From earlier pages").click()  # the first block a reader copies
    blocks = page.locator("div.highlight:visible:has(button[data-md-type=copy])")
    assert blocks.count() >= 10
    for index in (0, 3, blocks.count() - 1):
        block = blocks.nth(index)
        expected = block.locator("code").inner_text()
        block.hover()
        block.locator("button[data-md-type=copy]").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.rstrip("\n") == expected.rstrip("\n")
        assert not re.search(r"^(>>> |\$ |\d+\s)", copied, re.M), "copied text has prompts or line numbers"
    context.close()


def search_results(page, query, count=3):
    """The first ``count`` results for ``query`` in the page's search box: each result's page address,
    and the words Material says it did not find there ("" when it found every word)."""
    search = page.locator("input.md-search__input")
    search.click()
    for text in ("", query):  # emptied first, so that the previous query's results cannot pass for these
        search.fill(text)
        search.press("End")  # Material searches on key events, which fill() does not send
    # The results belong to this query once their links carry its words (Material adds ?h=the+words,
    # as it split the query: 暗い部屋 gives 暗い and 部屋, 어텐션은 gives 어텐션).
    page.wait_for_function(
        "q => [...document.querySelectorAll('.md-search-result__item a')].some((a) => {"
        "  const words = new URL(a.href).searchParams.get('h');"
        "  return words && words.split(' ').every((word) => q.includes(word)); })",
        arg=query, timeout=10_000)
    return page.eval_on_selector_all(
        ".md-search-result__item",
        "(items, count) => items.slice(0, count).map((item) => [item.querySelector('a').href.split(/[?#]/)[0],"
        " item.querySelector('a').querySelector('.md-search-result__terms')?.textContent || ''])", count)


@pytest.mark.parametrize("edition", SEARCHES, ids=["english", "japanese", "korean"])
def test_search_finds_the_right_page_in_each_edition(browser, server, edition):
    """Each query finds its page among the top three; a query in FIRST finds it first, with every word of
    the query found on it (Material lists under a result the words it did not find there)."""
    page = browser.new_page()
    page.goto(server + edition, wait_until="load")
    missed = {}
    for query, target in SEARCHES[edition].items():
        results = search_results(page, query)
        pages = [address for address, _ in results]
        if query in FIRST[edition]:
            if pages[:1] != [server + target] or results[0][1]:
                missed[query] = results
        elif server + target not in pages:
            missed[query] = results
    page.close()
    assert not missed, f"the right page is not where it should be: {missed}"


# A Korean word with a particle, and the word alone: 어텐션은 is 어텐션 to search, on pages and in queries.
WITH_PARTICLES = {"어텐션은": "어텐션", "마스크가": "마스크", "가중치를": "가중치", "소프트맥스의": "소프트맥스"}


def test_korean_search_finds_the_same_pages_for_a_word_with_a_particle_as_for_the_word(browser, server):
    page = browser.new_page()
    page.goto(server + "ko/", wait_until="load")
    differ = {}
    for with_particle, word in WITH_PARTICLES.items():
        found = [search_results(page, query, count=5) for query in (with_particle, word)]
        if found[0] != found[1] or len(found[0]) < 3:
            differ[with_particle] = found
    page.close()
    assert not differ, f"a particle changes what search finds: {differ}"


def test_the_language_switcher_keeps_the_reader_on_the_same_section(browser, server):
    page = browser.new_page()
    section = "#dropout-on-the-attention-weights"
    page.goto(server + "causal-attention/" + section, wait_until="load")
    for language, expected, search in (("ja", "ja/causal-attention/", "検索"), ("ko", "ko/causal-attention/", "검색"),
                                       ("en", "causal-attention/", "Search")):
        page.hover(".md-header__option .md-select")
        page.click(f".md-select__link[hreflang={language}]")
        page.wait_for_url(server + expected + section)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator(section).count() == 1
        # The landmark names that docs/assets/accessibility.js adds are in the page's language too.
        page.wait_for_function("name => document.querySelector('.md-search').ariaLabel === name", arg=search)
    page.close()


def contrast(first, second):
    """WCAG contrast ratio of a text colour over a background, both 'rgb(...)' or 'rgba(...)' strings."""
    alpha = re.findall(r"[\d.]+", first)[3:]
    if alpha:  # translucent text: what the eye sees is the text blended over the background
        first = blend(first, second, float(alpha[0]))

    def luminance(colour):
        channels = [int(v) / 255 for v in re.findall(r"[\d.]+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_colour_toggle_switches_schemes_and_figures_stay_readable(browser, server):
    page = browser.new_page(color_scheme="light")
    page.goto(server + "causal-attention/", wait_until="load")
    for expected in ("default", "slate"):
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert scheme == expected
        colours = page.evaluate(
            """() => {
              const style = (selector, property) =>
                getComputedStyle(document.querySelector(selector))[property];
              return {
                background: getComputedStyle(document.body).backgroundColor,
                label: style("figure.diagram text.label", "fill"),
                value: style("figure.diagram text.value:not(.strong)", "fill"),
                strong: style("figure.diagram text.value.strong", "fill"),
                cell: style("figure.diagram rect.cell", "fill"),
              };
            }"""
        )
        assert contrast(colours["label"], colours["background"]) >= 4.5, (expected, colours)
        assert contrast(colours["strong"], colours["cell"]) >= 4.5, (expected, colours)
        # Pale cells (at most 58% of the heat colour over the background) keep the ordinary text readable.
        pale = blend(colours["cell"], colours["background"], 0.06 + 0.94 * 0.55)
        assert contrast(colours["value"], pale) >= 3.0, (expected, colours)
        page.locator("form[data-md-component=palette] label:visible").first.click()
    page.close()


def blend(top, bottom, alpha):
    """The colour of ``top`` drawn with opacity ``alpha`` over ``bottom``."""
    pairs = zip(re.findall(r"[\d.]+", top)[:3], re.findall(r"[\d.]+", bottom)[:3], strict=True)
    return "rgb(" + ", ".join(str(round(alpha * float(x) + (1 - alpha) * float(y))) for x, y in pairs) + ")"


def test_each_page_is_light_and_the_report_is_printed(visits, built_site):
    """Bytes as a static host sends them (gzip for text), per page, with every request it made."""
    for (name, scheme), record in visits.items():
        if scheme != "light":
            continue
        raw = zipped = 0
        for url, _ in record["requests"]:
            path = url.split("//", 1)[1].split("/", 1)[1].split("#")[0].split("?")[0]
            file = built_site / path
            file = file / "index.html" if file.is_dir() or path == "" else file
            raw += file.stat().st_size
            zipped += sent_bytes(file)
        PAGE_REPORT.append((name, len(record["requests"]), raw, zipped))
        budget = page_budget_kb(name)
        assert zipped < budget * 1024, f"{name} sends {zipped / 1024:.0f} KB gzipped, over its {budget} KB"


STYLES = """() => {
    const style = (element) => getComputedStyle(element);
    const cjk = /[\\u3040-\\u30ff\\u4e00-\\u9fff\\uac00-\\ud7a3]/;
    const ems = [...document.querySelectorAll('article em')];
    return {
        font: style(document.body).fontFamily,
        faces: document.fonts.size,
        wordBreak: style(document.querySelector('article')).wordBreak,
        cjkEmphasis: ems.filter((em) => cjk.test(em.textContent))
            .map((em) => [em.textContent, style(em).fontStyle, style(em).textEmphasisStyle]),
        latinEmphasis: ems.filter((em) => !cjk.test(em.textContent)).map((em) => style(em).fontStyle),
        captions: [...document.querySelectorAll('article figcaption')].map((caption) => style(caption).fontStyle),
    };
}"""


FONTS = {"ja": ("Hiragino Sans", "Noto Sans JP", "Yu Gothic", "Meiryo"),
         "ko": ("Apple SD Gothic Neo", "Noto Sans KR", "Malgun Gothic")}


@pytest.mark.parametrize("lang", FONTS)
def test_japanese_and_korean_pages_set_emphasis_and_captions_upright_in_their_system_fonts(browser, server, lang):
    """Kana, kanji and Hangul have no italic: on a Japanese or Korean page, emphasis on its words is
    upright with dots (傍点, 드러냄표) and captions are upright, while a Latin variable such as *i* stays
    italic. The text asks for the language's system fonts and downloads none; Korean lines break
    between words. English pages keep their italics."""
    page = browser.new_page()
    page.goto(server + f"{lang}/dark-room/", wait_until="load")
    edition = page.evaluate(STYLES)
    page.goto(server + "dark-room/", wait_until="load")
    english = page.evaluate(STYLES)
    page.close()
    for font in FONTS[lang]:
        assert font in edition["font"], edition["font"]
    assert edition["faces"] == 0 and english["faces"] == 0, "a page declares a web font"
    assert edition["cjkEmphasis"] and all(
        style == "normal" and "sesame" in marks for _, style, marks in edition["cjkEmphasis"]
    ), edition["cjkEmphasis"]
    assert edition["latinEmphasis"] and set(edition["latinEmphasis"]) == {"italic"}
    assert edition["captions"] and set(edition["captions"]) == {"normal"}
    assert edition["wordBreak"] == ("keep-all" if lang == "ko" else "normal")
    assert english["captions"] and set(english["captions"]) == {"italic"}
    assert not any(font in english["font"] for fonts in FONTS.values() for font in fonts)
    assert set(english["latinEmphasis"]) == {"italic"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_in_both_schemes_a_heatmap_cell_stands_out_from_the_page_the_more_the_larger_its_value(browser, server, scheme):
    """The captions read a heatmap as "the stronger the colour, the more weight": in both schemes, a
    cell's colour, as the browser paints it over the page, contrasts more with the page the larger
    its value. (Dark mode once drew the largest weights lightest under a caption saying darker.)"""
    page = browser.new_page(color_scheme=scheme)
    page.goto(server + "causal-attention/", wait_until="load")
    figures = page.evaluate(
        """() => [...document.querySelectorAll('svg.figure-heatmap')].map((svg) => ({
            title: svg.querySelector('title').textContent,
            background: getComputedStyle(document.body).backgroundColor,
            cells: [...svg.querySelectorAll('rect.cell')].map((cell) => [
                Number(cell.dataset.value), getComputedStyle(cell).fill, Number(getComputedStyle(cell).fillOpacity)]),
        }))"""
    )
    page.close()
    assert len(figures) >= 4
    for figure in figures:
        seen = sorted((value, contrast(blend(fill, figure["background"], alpha), figure["background"]))
                      for value, fill, alpha in figure["cells"])
        backwards = [(a, b) for a, b in itertools.pairwise(seen) if b[0] > a[0] + 1e-6 and b[1] < a[1] - 1e-6]
        assert not backwards, f"{scheme}, {figure['title']}: a larger value stands out less: {backwards[:3]}"
        if seen[-1][0] >= 0.5:  # a figure of small weights is pale on purpose: its scale runs to 1
            assert seen[-1][1] > 2.0, f"{scheme}, {figure['title']}: its strongest cell barely shows: {seen[-1]}"



# Each kind of element's computed style, hashed (FNV-1a), custom properties left out: a custom property
# shows nothing by itself, and the cut keeps every one that a kept rule or an inline style uses. A kind
# is an element's tag and classes, those of its ancestors, and whether it is an odd or even child (of
# the children that are not styles or scripts, which the cut removes); the first element of each kind
# stands for the rest (a code block's thousands of spans are a few kinds).
COMPUTED_STYLES = """() => {
    const kinds = new Map(), siblings = new Map(), found = [];
    const shown = (parent) => {
        if (!siblings.has(parent)) {
            siblings.set(parent, [...parent.children].filter((child) => !['STYLE', 'SCRIPT'].includes(child.tagName)));
        }
        return siblings.get(parent);
    };
    const kind = (element) => {
        if (element === document.body) return '';
        if (!kinds.has(element)) {
            const parent = element.parentElement;
            kinds.set(element, `${kind(parent)}>${element.tagName}.${element.className}`
                + `:${shown(parent).indexOf(element) % 2}`);
        }
        return kinds.get(element);
    };
    const seen = new Set();
    for (const element of document.body.querySelectorAll('*:not(style):not(script)')) {
        const name = kind(element);
        if (seen.has(name)) continue;
        seen.add(name);
        const style = getComputedStyle(element);
        const text = [...style].filter((property) => !property.startsWith('--'))
            .map((property) => `${property}:${style.getPropertyValue(property)}`).join(';');
        let hash = 2166136261;
        for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
        found.push([name.slice(-80), hash >>> 0]);
    }
    return found;
}"""


def test_a_notebook_page_with_its_styles_cut_down_looks_exactly_as_with_all_of_them(browser, built_site):
    """engine/page_weight.py keeps, of mkdocs-jupyter's 574 KB of inline styles, only the rules that can
    match a notebook page's elements. Rendered with all of them and with what is kept, every kind of element
    of a notebook has the same computed style, property by property: for notebooks whose elements between
    them use every class any notebook uses, in the light scheme, and for one of them in the dark scheme too."""
    from mkdocs_jupyter.nbconvert2 import nb2html
    from test_notebooks import NOTEBOOK_PAGES

    def classes(name):
        notebook = page_soup(built_site / "notebooks" / name / "index.html").select_one(".jupyter-wrapper")
        return {name for element in notebook.find_all(class_=True) for name in element["class"]}

    used = {name: classes(name) for name in NOTEBOOK_PAGES}
    chosen, missing = [], set().union(*used.values())
    while missing:  # the fewest notebooks whose elements use every class
        name = max(used, key=lambda name: len(used[name] & missing))
        chosen.append(name)
        missing -= used[name]
    cut_down = page_weight.lighter_notebook_styles
    page = browser.new_page()
    for name, scheme in [(name, "default") for name in chosen] + [(chosen[0], "slate")]:
        notebook = nb2html(str(built_site / "notebooks" / name / f"{name}.ipynb"), no_prompt=True)
        body = f"<body data-md-color-scheme='{scheme}'>{notebook}</body>"
        seen = []
        for html in (body, cut_down(body)):
            page.set_content(f"<!doctype html><html>{html}</html>")
            seen.append(page.evaluate(COMPUTED_STYLES))
        assert len(seen[0]) == len(seen[1]) > 30, name
        changed = [kind for kind, after in zip(*seen, strict=True) if kind != after]
        assert not changed, f"{name} ({scheme}): {len(changed)} kinds of element look different, first {changed[:3]}"
    page.close()
