"""The English and Japanese editions: every page exists in both, keeps the same sections and the same
executed code, shows the same numbers, has its prose translated, and links to its counterpart.
Each edition searches only its own pages, in its own language."""

import json
import re
from posixpath import dirname, normpath

import pytest
import yaml
from bs4 import BeautifulSoup
from editions import differences, english_pages, japanese_pages
from site_tools import REPO, hook, page_soup

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")  # kana, kanji, full-width forms
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
PROSE = "p, li, td, th, dt, dd, figcaption, summary, .admonition-title, h1, h2, h3, h4, h5, h6, caption, label"
NOT_PROSE = "pre, code, kbd, math, .arithmatex, svg, .headerlink, script, style, [lang=en]"  # [lang=en]: quoted English


def test_every_english_page_has_a_japanese_page_and_back():
    english = {path.name.removesuffix(".md") for path in english_pages()}
    japanese = {path.name.removesuffix(".ja.md") for path in japanese_pages()}
    assert english - japanese == set(), "English pages without a Japanese page"
    assert japanese - english == set(), "Japanese pages without an English page"


@pytest.mark.parametrize("page", japanese_pages(), ids=lambda path: path.name)
def test_each_japanese_page_keeps_the_sections_code_and_values_of_its_english_page(page):
    problems = differences(page)
    assert not problems, "\n".join(problems)


def test_a_japanese_page_whose_command_differs_is_reported(tmp_path):
    (tmp_path / "page.md").write_text("# Run\n\n```sh\npython -m snippets\n```\n")
    (tmp_path / "page.ja.md").write_text("# 実行 { #run }\n\n```sh\npython -m snippet\n```\n")
    (problem,) = differences(tmp_path / "page.ja.md")
    assert "code blocks differ" in problem and "python -m snippet'" in problem


def test_every_navigation_title_has_a_japanese_title():
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    i18n = next(plugin["i18n"] for plugin in config["plugins"] if isinstance(plugin, dict) and "i18n" in plugin)
    translations = next(lang["nav_translations"] for lang in i18n["languages"] if lang["locale"] == "ja")

    def titles(items):
        for item in items:
            for title, target in item.items():
                yield title
                if isinstance(target, list):
                    yield from titles(target)

    assert sorted(set(titles(config["nav"])) - translations.keys()) == []


# The built site.


def page_pairs(built_site):
    """(English page, Japanese page) for every page of the built site, notebooks included."""
    pairs = []
    for english in sorted(built_site.rglob("index.html")):
        relative = english.relative_to(built_site)
        if relative.parts[0] in ("ja", "search", "assets"):
            continue
        pairs.append((english, built_site / "ja" / relative))
    return pairs


def shown_numbers(page):
    """The numbers a page shows in its code, outputs and figures, and its explorer's data, in order."""
    article = page.select_one("article")
    code = [_NUMBER.findall(pre.get_text()) for pre in article.select("pre")]
    figures = [[cell["data-value"] for cell in svg.select("rect[data-value]")] for svg in article.select("svg")]
    figures += [_NUMBER.findall(text.get_text()) for text in article.select("svg text")]
    data = [script.get_text() for script in article.select("script[type='application/json']")]
    return code, figures, data


def test_both_editions_show_the_same_code_outputs_figures_and_data(built_site):
    pairs = page_pairs(built_site)
    assert len(pairs) >= 20
    for english, japanese in pairs:
        assert japanese.exists(), f"no Japanese page for {english.relative_to(built_site)}"
        want, got = shown_numbers(page_soup(english)), shown_numbers(page_soup(japanese))
        for what, en, ja in zip(("code and outputs", "figures", "explorer data"), want, got, strict=True):
            assert ja == en, f"{japanese.relative_to(built_site)}: its {what} differ from the English page's"
        assert sum(map(len, want[0])) or "notebooks" not in str(english), english


def untranslated(page):
    """Prose elements of a page that hold English words and no Japanese."""
    found = []
    article = page.select_one("article")
    skipped = {id(element) for element in article.select(NOT_PROSE)}
    for element in article.select(PROSE):
        kept = [text for text in element.strings if not any(id(parent) in skipped for parent in text.parents)]
        text = " ".join(" ".join(kept).split())
        if not JAPANESE.search(text) and len(ENGLISH_WORD.findall(text)) >= 2:
            found.append(text[:120])
    return found


def test_no_english_prose_is_left_on_a_japanese_page(built_site):
    for _, japanese in page_pairs(built_site):
        page = page_soup(japanese)
        assert page.html["lang"] == "ja", japanese
        left = untranslated(page)
        assert not left, f"{japanese.relative_to(built_site)} has English prose: {left}"


def test_the_check_for_english_prose_finds_an_english_paragraph():
    page = BeautifulSoup(
        "<article><p>ソフトマックスは <code>torch.softmax</code> です。</p><p>This sentence was not translated.</p>"
        "<li><code>SelfAttention_v1</code></li></article>",
        "html.parser",
    )
    assert untranslated(page) == ["This sentence was not translated."]


def test_figures_on_japanese_pages_are_described_in_japanese(built_site):
    for _, japanese in page_pairs(built_site):
        for svg in page_soup(japanese).select("article svg[role=img]"):
            for part in ("title", "desc"):
                text = svg.find(part).get_text()
                assert JAPANESE.search(text), f"{japanese.relative_to(built_site)}: figure {part} {text[:80]!r}"


def switcher(path, built_site):
    """The page's language links: language -> the file each points at, relative to the site."""
    links = {}
    page_dir = dirname(str(path.relative_to(built_site)))
    for link in page_soup(path).select("a.md-select__link[hreflang]"):
        href = link["href"]
        assert not href.startswith(("/", "http")), f"{path}: the switcher link {href} is not relative"
        target = normpath(f"{page_dir}/{href}").lstrip("./")
        links[link["hreflang"]] = (target + "/index.html").lstrip("/") if not target.endswith(".html") else target
    return links


def test_the_language_switcher_leads_to_the_same_page_in_the_other_edition_and_back(built_site):
    for english, japanese in page_pairs(built_site):
        en, ja = (str(path.relative_to(built_site)) for path in (english, japanese))
        assert switcher(english, built_site) == {"en": en, "ja": ja}, en
        assert switcher(japanese, built_site) == {"en": en, "ja": ja}, ja


def test_each_edition_searches_only_its_own_pages_in_its_own_language(built_site):
    english = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    japanese = json.loads((built_site / "ja" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert english["config"]["lang"] == ["en"] and english["config"]["separator"] == r"[\s\-]+"
    # The Japanese index cuts words by its separator alone (see editions.SEARCH_LANGUAGE).
    assert japanese["config"]["separator"] == hook("editions").SEPARATORS["ja"]
    assert japanese["config"]["lang"] == ["en"] and japanese["config"]["pipeline"] == ["stemmer"]
    for index in (english, japanese):
        locations = {doc["location"].split("#")[0] for doc in index["docs"]}
        assert not any(location.startswith("ja/") for location in locations)
        assert "causal-attention/" in locations and not any("notebooks/" in where for where in locations)
    assert not any(JAPANESE.search(doc["text"]) for doc in english["docs"] if doc["location"] == "causal-attention/")
    causal = next(doc for doc in japanese["docs"] if doc["location"] == "causal-attention/")
    assert "因果的アテンション" in causal["title"] + causal["text"]
    assert '"base": "../../ja/"' in (built_site / "ja" / "causal-attention" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "words"), [
    ("暗い部屋", ["暗い", "部屋"]),  # okurigana stays with its kanji
    ("暗い部屋で手探りする", ["暗い", "部屋で", "手探りする"]),
    ("アテンション重みを計算します。", ["アテンション", "重みを", "計算します"]),
    ("因果的アテンションは、未来を隠します", ["因果的", "アテンション", "未来を", "隠します"]),  # は is no word
    ("0.1のドロップアウト（dropout）", ["0.1", "ドロップアウト", "dropout"]),
    ("torch.nnのsoftmax。", ["torch.nn", "softmax"]),
])
def test_japanese_search_keeps_words_whole_and_drops_lone_particles(text, words):
    """The Japanese separator, which Material applies to pages and queries alike, read with Python's re:
    the constructs it uses (classes, lookarounds) mean the same in JavaScript."""
    separator = re.compile(hook("editions").SEPARATORS["ja"])
    assert [word for word in separator.split(text) if word] == words


def test_each_edition_has_its_own_404_page_in_its_own_words(built_site):
    pages = {"en": built_site / "404.html", "ja": built_site / "ja" / "404.html"}
    for lang, path in pages.items():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        heading = soup.select_one("article h1").get_text()
        nav = {a["href"] for a in soup.select("nav.md-nav--primary a[href]")}
        assert soup.html["lang"] == lang, path
        assert bool(JAPANESE.search(heading)) == (lang == "ja") and "404 - Not found" not in heading, heading
        assert soup.select_one("article p a")["href"] == ("/ja/" if lang == "ja" else "/")
        assert nav and all(href.startswith("/ja/") == (lang == "ja") for href in nav), sorted(nav)
        assert f'"base": "{"/ja/" if lang == "ja" else "/"}"' in str(soup)


def test_the_benchmarks_machine_is_named_in_each_editions_own_words(built_site):
    from snippets.benchmark import load_recorded
    from snippets.machine import describe

    record = load_recorded()
    for lang, page in (("en", "performance"), ("ja", "ja/performance")):
        text = page_soup(built_site / page / "index.html").select_one("article").get_text()
        assert describe(lang, record) in text, lang
    assert " on " not in describe("ja", record) and record["cpu_vendor"] in describe("ja", record)
