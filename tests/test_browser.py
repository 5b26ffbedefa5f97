"""The built site in a real browser (Debian's Chromium driven by Playwright): offline, error-free,
accessible, readable in both colour schemes, usable on a phone, and light.

Outside CI, a machine without Chromium skips these tests with a message saying how to install it;
in CI (CI=true) a missing browser fails them. Screenshots of every page land in tests/screenshots/.
"""

import base64
import re
from pathlib import Path

import pytest
from conftest import PAGE_REPORT, REPO
from site_tools import page_budget_kb, sent_bytes

SCREENSHOTS = REPO / "tests" / "screenshots"
SEARCHES = {  # edition -> query -> the page it must find
    "": {
        "causal mask": "causal-attention/",
        "dropout": "causal-attention/",
        "softmax": "simple-self-attention/",
        "register_buffer": "causal-attention/",
        "dark room": "dark-room/",
    },
    "ja/": {
        "因果的アテンション": "ja/causal-attention/",
        "ドロップアウト": "ja/causal-attention/",
        "ソフトマックス": "ja/simple-self-attention/",
        "暗い部屋": "ja/dark-room/",
    },
}


def site_pages(built_site):
    return sorted(
        str(path.relative_to(built_site).parent) + "/" if path.name == "index.html" else path.name
        for path in built_site.rglob("*.html")
    )


# In-page checks, run on every page during its visit.
FIGURES_AND_IMAGES = """() => {
  const problems = [];
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) problems.push(`image ${img.src} did not load`);
    if (!img.alt) problems.push(`image ${img.src} has no alt text`);
  }
  for (const svg of document.querySelectorAll("article svg[role=img]")) {
    if (!svg.getClientRects().length) continue; // not displayed: inside a hidden fallback
    const ids = (svg.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
    const text = ids.map((id) => document.getElementById(id)?.textContent.trim() || "").join("");
    if (!text && !svg.getAttribute("aria-label")) problems.push("a figure has no text alternative");
    const box = svg.getBoundingClientRect();
    if (box.width < 50 || box.height < 30) problems.push("a figure is drawn too small to see");
  }
  for (const figure of document.querySelectorAll("article figure")) {
    if (!figure.querySelector("svg[role=img], img[alt]")) problems.push("a figure has no image");
  }
  return problems;
}"""
MATH = r"""() => ({
  count: document.querySelectorAll("article math").length,
  empty: [...document.querySelectorAll("article math")].filter((m) => {
    const box = m.getBoundingClientRect();
    return box.width === 0 || box.height === 0;
  }).length,
  tex: /\\\(|\\\[|\$\$|\\frac|\\sqrt/.test(document.querySelector("article").innerText),
})"""
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const offCanvas = ".md-sidebar, .md-search";  // drawers that slide in from the side
  const inScroller = (el) => {
    for (let box = el.parentElement; box; box = box.parentElement) {
      const { overflowX } = getComputedStyle(box);
      if ((overflowX === "auto" || overflowX === "scroll") && box.clientWidth <= width) return true;
    }
    return false;
  };
  const overflowing = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.closest(offCanvas) && !inScroller(el))
    .filter((el) => getComputedStyle(el).visibility !== "hidden")
    .map((el) => el.tagName.toLowerCase() + "." + [...el.classList].join("."))
    .slice(0, 5);
  return { overflowing, pageWidth: document.documentElement.scrollWidth };
}"""


TEXT_COLOURS = r"""() => {
  // Every visible piece of text outside the SVG figures, as (text colour, background, size class, example):
  // the background is what lies behind the element, translucent layers composited over the first opaque one.
  const parse = (colour) => (colour.match(/[\d.]+/g) || []).map(Number);
  const behind = new Map();  // element -> [r, g, b] of what shows through it
  const background = (el) => {
    if (!el) return [255, 255, 255];
    if (!behind.has(el)) {
      const [r, g, b, a = 1] = parse(getComputedStyle(el).backgroundColor);
      const under = a === 1 ? [0, 0, 0] : background(el.parentElement);
      behind.set(el, [r * a + under[0] * (1 - a), g * a + under[1] * (1 - a), b * a + under[2] * (1 - a)]);
    }
    return behind.get(el);
  };
  const elements = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.textContent.trim()) elements.add(node.parentElement);
  }
  const pairs = {};
  let count = 0;
  for (const el of elements) {
    if (el.closest("svg, script, style, noscript, .md-search__output") || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || Number(style.opacity) === 0) continue;
    count += 1;
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const rgb = "rgb(" + background(el).map(Math.round).join(", ") + ")";
    const first = typeof el.className === "string" && el.className ? "." + el.className.split(" ")[0] : "";
    pairs[`${style.color}|${rgb}|${large ? "large" : "normal"}`] ??= el.tagName.toLowerCase() + first;
  }
  return { count, pairs: Object.entries(pairs).map(([pair, example]) => [...pair.split("|"), example]) };
}"""
# Axe runs every rule in the light scheme, on everything but code, math and the SVG figures; in the
# dark scheme only colours change, and TEXT_COLOURS checks the contrast of every piece of text instead
# (in both schemes), far quicker than axe's contrast rule. Axe cannot judge SVG text (it reports it
# as "incomplete"); the figures' colours are checked in both schemes by
# test_the_colour_toggle_switches_schemes_and_figures_stay_readable.
AXE_CONTEXT = {"exclude": [["pre"], [".jp-Cell"], ["math"], ["figure.diagram svg"]]}
AXE_OPTIONS = {"resultTypes": ["violations"]}  # violations only: axe then skips describing what passed
# Colours are read right after the scheme switch: without transitions they are final at once.
NO_TRANSITIONS = """
const sheet = new CSSStyleSheet();
sheet.replaceSync("*, *::before, *::after { transition: none !important; }");
document.adoptedStyleSheets = [sheet];
"""
AXE_RUN = "([context, options]) => axe.run(context, options).then((result) => result.violations)"


def axe_script():
    """axe-core, as shipped inside the axe-playwright-python package."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def screenshot(cdp, path, *, full_page):
    """A JPEG of the page: the whole length at half scale, or the window at full scale.

    Chromium's own capture (over CDP) at half scale takes a third of the time of Playwright's full-size
    full-page screenshot, and still shows the layout of every part of the page.
    """
    options = {"format": "jpeg", "quality": 80, "optimizeForSpeed": True}
    if full_page:
        size = cdp.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 0.5}
        options.update(captureBeyondViewport=True, clip=clip)
    path.write_bytes(base64.b64decode(cdp.send("Page.captureScreenshot", options)["data"]))


def visit(tab, cdp, server, name, record):
    """Load one page, run the per-page checks in the light scheme, switch to dark and check its colours.

    One tab serves every page, and one load serves both schemes (Material switches without
    reloading): a new tab costs a new renderer process, about half a second each here.

    A Japanese page gets every check in the light scheme and a window-sized screenshot. Its dark
    scheme is the English page's stylesheet on the same kinds of elements, which the English visit
    checks; this keeps down the time the gate adds for a second edition (it is still over its 60 s
    budget on two cores: see issue 7's notes).
    """
    tab.set_viewport_size({"width": 1280, "height": 900})
    tab.goto(server + ("" if name == "./" else name), wait_until="load")
    stem = name.strip("/").replace("/", "_") or "home"
    results = {}
    japanese = name.startswith("ja/")
    for scheme in ("light",) if japanese else ("light", "dark"):
        if scheme == "dark":  # the toggle, clicked from the page (test_the_colour_toggle_... uses the mouse)
            tab.evaluate("[...document.querySelectorAll('form[data-md-component=palette] label')]"
                         ".find((label) => label.offsetParent).click()")
            tab.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        screenshot(cdp, SCREENSHOTS / f"{stem}-{scheme}.jpeg", full_page=scheme == "light" and not japanese)
        results[scheme] = {"text_colours": tab.evaluate(TEXT_COLOURS)}
    violations = tab.evaluate(AXE_RUN, [AXE_CONTEXT, AXE_OPTIONS])
    results["light"]["axe"] = [
        (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in ("serious", "critical")
    ]
    results["light"]["figures"] = tab.evaluate(FIGURES_AND_IMAGES)
    results["light"]["math"] = tab.evaluate(MATH)
    tab.set_viewport_size({"width": 375, "height": 800})
    results["light"]["narrow"] = tab.evaluate(OVERFLOW)
    for scheme_record in results.values():
        scheme_record.update(errors=list(record["errors"]), requests=list(record["requests"]))
    return results


@pytest.fixture(scope="session")
def visits(browser, server, built_site):
    """Every page of the built site, checked in both colour schemes: (page, scheme) -> results."""
    SCREENSHOTS.mkdir(exist_ok=True)
    external, results = [], {}
    record = {"errors": [], "requests": []}

    def block_other_hosts(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context = browser.new_context(color_scheme="light")
    context.add_init_script("localStorage.clear()")  # Material remembers the last scheme chosen; start light
    context.add_init_script(NO_TRANSITIONS)
    context.add_init_script(axe_script())
    context.route("**/*", block_other_hosts)
    tab = context.new_page()
    tab.on("console", lambda m: record["errors"].append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: record["errors"].append(str(e)))
    # A request the browser itself aborts because the test moves on (the search worker still loading
    # its scripts) is not the site's failure; every other failure is.
    tab.on("requestfailed", lambda q: record["errors"].append(f"failed request {q.url}")
           if q.failure != "net::ERR_ABORTED" else None)
    tab.on("response", lambda r: record["requests"].append((r.url, r.status)))
    cdp = context.new_cdp_session(tab)
    for name in site_pages(built_site):
        for items in (external, record["errors"], record["requests"]):
            items.clear()
        for scheme, scheme_record in visit(tab, cdp, server, name, record).items():
            results[(name, scheme)] = {**scheme_record, "external": list(external)}
    context.close()
    return results


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
    assert sum(record["math"]["count"] > 0 for record in light.values()) >= 5


def test_nothing_overflows_a_375_pixel_screen_except_scrollable_code_and_tables(visits):
    for (name, scheme), record in visits.items():
        if scheme == "light":
            narrow = record["narrow"]
            assert not narrow["overflowing"] and narrow["pageWidth"] <= 375, f"{name}: {narrow}"


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


def test_the_copy_button_copies_the_code_without_prompts_or_line_numbers(browser, server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + "causal-attention/", wait_until="load")
    blocks = page.locator("div.highlight:has(button[data-md-type=copy])")
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


@pytest.mark.parametrize("edition", SEARCHES, ids=["english", "japanese"])
def test_search_finds_the_right_page_in_each_edition(browser, server, edition):
    page = browser.new_page()
    page.goto(server + edition, wait_until="load")
    search = page.locator("input.md-search__input")
    missed = {}
    for query, target in SEARCHES[edition].items():
        search.click()
        search.fill("")
        search.press_sequentially(query)  # Material searches as keys are typed, not on fill()
        search.press("End")  # a key event: Playwright inserts kana and kanji as text, without one
        # The results belong to this query once their links carry its words (Material adds ?h=the+words,
        # as it split the query: 因果的アテンション gives 因果 and アテンション).
        page.wait_for_function(
            "q => [...document.querySelectorAll('.md-search-result__item a')].some((a) => {"
            "  const words = new URL(a.href).searchParams.get('h');"
            "  return words && words.split(' ').every((word) => q.includes(word)); })",
            arg=query, timeout=10_000)
        top = "links => links.slice(0, 3).map((a) => a.href)"
        hrefs = page.eval_on_selector_all(".md-search-result__item > a", top)
        if not any(href.split("?")[0].split("#")[0] == server + target for href in hrefs):
            missed[query] = hrefs
    page.close()
    assert not missed, f"the top three results miss the right page: {missed}"


def test_the_language_switcher_keeps_the_reader_on_the_same_section(browser, server):
    page = browser.new_page()
    section = "#dropout-on-the-attention-weights"
    page.goto(server + "causal-attention/" + section, wait_until="load")
    for language, expected, search in (("ja", "ja/causal-attention/", "検索"), ("en", "causal-attention/", "Search")):
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
        budget = page_budget_kb(name)  # None for a notebook page: the report states its cost
        if budget is not None:
            assert zipped < budget * 1024, f"{name} sends {zipped / 1024:.0f} KB gzipped, over its {budget} KB"
