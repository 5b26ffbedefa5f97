"""The browser gate: every page of the built site visited in Debian's Chromium (driven by Playwright),
with the checks the tests in test_browser.py then assert: console errors, requests, other hosts,
figures, math, a 375-pixel screen, axe, and the contrast of every piece of text in both schemes.

It runs as a process of its own, started by conftest.py as soon as the site is built, so that it
works while the other tests run (it keeps both cores of a 2-core machine only about 80% busy):

    python tests/browser_gate.py SITE RESULTS.json

It writes (page, scheme, results) for every page and scheme to RESULTS.json, and a screenshot of
every page to tests/screenshots/.
"""

import base64
import json
import sys
from pathlib import Path

from editions import PREFIXES
from site_tools import CHROMIUM, CHROMIUM_FLAGS, REPO, static_server

SCREENSHOTS = REPO / "tests" / "screenshots"


def site_pages(site):
    """Every page of the built site, as its path under the site's root URL."""
    return sorted(
        str(path.relative_to(site).parent) + "/" if path.name == "index.html" else path.name
        for path in site.rglob("*.html")
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
  // Symbols drawn over each other: two leaves of a formula whose boxes share more than a fifth of
  // the smaller one (a label over an arrow sits above it, a subscript beside its base).
  overprinted: [...document.querySelectorAll("article math")].flatMap((math) => {
    const leaves = [...math.querySelectorAll("mi, mo, mn, mtext")]
      .map((leaf) => [leaf.textContent.trim(), leaf.getBoundingClientRect()])
      .filter(([text, box]) => text && box.width > 0);
    const found = [];
    leaves.forEach(([a, p], i) => leaves.slice(i + 1).forEach(([b, q]) => {
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      const smaller = Math.min(p.width * p.height, q.width * q.height);
      if (w > 1 && h > 1 && w * h > 0.2 * smaller) found.push(`${a} over ${b}`);
    }));
    return found.length ? [`${math.textContent.slice(0, 50)}: ${found.slice(0, 3).join(", ")}`] : [];
  }),
})"""
WIDE_BLOCKS = """() => [...document.querySelectorAll("article pre > code")]
  .filter((code) => code.scrollWidth > code.clientWidth + 1)
  .map((code) => code.textContent.split("\\n").reduce((a, line) => (line.length > a.length ? line : a), ""))"""
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
# Axe runs in the light scheme, on everything but math and the SVG figures (code blocks included, so
# a block that scrolls sideways must be reachable by keyboard), with every rule but
# its contrast rule: TEXT_COLOURS checks the contrast of every piece of text instead, code and math
# included, in both schemes, in a tenth of the time (axe's rule was a third of the gate's axe time;
# test_the_text_contrast_check_finds_pale_and_translucent_text shows the check catching what it
# must). Axe cannot judge SVG text either; the figures' colours are checked in both schemes by
# test_the_colour_toggle_switches_schemes_and_figures_stay_readable.
AXE_CONTEXT = {"exclude": [["math"], ["figure.diagram svg"]]}
AXE_OPTIONS = {  # violations only: axe then skips describing what passed
    "resultTypes": ["violations"],
    "rules": {"color-contrast": {"enabled": False}},
}
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

    A Japanese or Korean page gets every check in the light scheme and a window-sized screenshot. Its
    dark scheme is the English page's stylesheet on the same kinds of elements, which the English
    visit checks; this keeps down the time the gate adds for each further edition.
    """
    tab.set_viewport_size({"width": 1280, "height": 900})
    tab.goto(server + ("" if name == "./" else name), wait_until="load")
    stem = name.strip("/").replace("/", "_") or "home"
    results = {}
    translated = name.startswith(tuple(prefix for prefix in PREFIXES if prefix))
    for scheme in ("light",) if translated else ("light", "dark"):
        if scheme == "dark":  # the toggle, clicked from the page (test_the_colour_toggle_... uses the mouse)
            tab.evaluate("[...document.querySelectorAll('form[data-md-component=palette] label')]"
                         ".find((label) => label.offsetParent).click()")
            tab.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        screenshot(cdp, SCREENSHOTS / f"{stem}-{scheme}.jpeg", full_page=scheme == "light" and not translated)
        results[scheme] = {"text_colours": tab.evaluate(TEXT_COLOURS)}
    violations = tab.evaluate(AXE_RUN, [AXE_CONTEXT, AXE_OPTIONS])
    results["light"]["axe"] = [
        (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in ("serious", "critical")
    ]
    results["light"]["figures"] = tab.evaluate(FIGURES_AND_IMAGES)
    results["light"]["math"] = tab.evaluate(MATH)
    results["light"]["wide_blocks"] = tab.evaluate(WIDE_BLOCKS)  # at 1280 px: code or output that scrolls
    tab.set_viewport_size({"width": 375, "height": 800})
    results["light"]["narrow"] = tab.evaluate(OVERFLOW)
    for scheme_record in results.values():
        scheme_record.update(errors=list(record["errors"]), requests=list(record["requests"]))
    return results


def check_every_page(browser, server, site):
    """Every page of the built site, checked in both colour schemes: [(page, scheme, results)]."""
    SCREENSHOTS.mkdir(exist_ok=True)
    external, results = [], []
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
    for name in site_pages(site):
        # Leave the last page first: responses its search worker was still receiving (lunr's scripts)
        # then arrive before the records are cleared, not among the next page's.
        tab.goto("about:blank")
        for items in (external, record["errors"], record["requests"]):
            items.clear()
        for scheme, scheme_record in visit(tab, cdp, server, name, record).items():
            results.append((name, scheme, {**scheme_record, "external": list(external)}))
    context.close()
    return results


def main(site: Path, output: Path) -> None:
    from playwright.sync_api import sync_playwright

    with static_server(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        results = check_every_page(browser, server, site)
        browser.close()
    output.write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
