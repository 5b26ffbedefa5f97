"""The English, Japanese and Korean editions: every page exists in each, keeps the same sections and
the same executed code, shows the same numbers, has its prose translated, and links to its
counterparts. Each edition searches only its own pages, in its own language."""

import json
import re
from posixpath import dirname, normpath

import pytest
import yaml
from bs4 import BeautifulSoup
from editions import TRANSLATIONS, differences, english_pages, translated_pages
from site_tools import REPO, page_soup

from engine import catalog
from engine.editions import SEPARATORS

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")  # kana, kanji, full-width forms
KOREAN = re.compile(r"[\uac00-\ud7a3]")  # Hangul syllables
SCRIPT = {"ja": JAPANESE, "ko": KOREAN}  # what a sentence in each translated edition is written in
EDITIONS = ("en", *TRANSLATIONS)
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
PROSE = "p, li, td, th, dt, dd, figcaption, summary, .admonition-title, h1, h2, h3, h4, h5, h6, caption, label"
NOT_PROSE = "pre, code, kbd, math, .arithmatex, svg, .headerlink, script, style, [lang=en]"  # [lang=en]: quoted English


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_every_english_page_has_a_page_in_each_edition_and_back(lang):
    english = {path.name.removesuffix(".md") for path in english_pages()}
    translated = {path.name.removesuffix(f".{lang}.md") for path in translated_pages(lang)}
    assert english - translated == set(), f"English pages without a {lang} page"
    assert translated - english == set(), f"{lang} pages without an English page"


@pytest.mark.parametrize("page", translated_pages(), ids=lambda path: path.name)
def test_each_translated_page_keeps_the_sections_code_and_values_of_its_english_page(page):
    problems = differences(page)
    assert not problems, "\n".join(problems)


def test_a_translated_page_whose_command_differs_is_reported(tmp_path):
    (tmp_path / "page.md").write_text("# Run\n\n```sh\npython -m snippets\n```\n")
    (tmp_path / "page.ja.md").write_text("# 実行 { #run }\n\n```sh\npython -m snippet\n```\n")
    (problem,) = differences(tmp_path / "page.ja.md")
    assert "code blocks differ" in problem and "python -m snippet'" in problem


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_every_navigation_title_has_a_title_in_each_edition(lang):
    translations = catalog.nav_translations(lang)

    def titles(items):
        for item in items:
            for title, target in item.items():
                yield title
                if isinstance(target, list):
                    yield from titles(target)

    assert sorted(set(titles(catalog.nav())) - translations.keys()) == []
    assert all(SCRIPT[lang].search(title) for title in translations.values()), translations


# The built site.


def page_pairs(built_site, lang):
    """(English page, the page in ``lang``'s edition) for every page of the built site, notebooks included."""
    pairs = []
    for english in sorted(built_site.rglob("index.html")):
        relative = english.relative_to(built_site)
        if relative.parts[0] in (*TRANSLATIONS, "search", "assets"):
            continue
        pairs.append((english, built_site / lang / relative))
    return pairs


def shown_numbers(page):
    """The numbers a page shows in its code, outputs and figures, and its explorer's data, in order."""
    article = page.select_one("article")
    code = [_NUMBER.findall(pre.get_text()) for pre in article.select("pre")]
    figures = [[cell["data-value"] for cell in svg.select("rect[data-value]")] for svg in article.select("svg")]
    figures += [_NUMBER.findall(text.get_text()) for text in article.select("svg text")]
    data = [script.get_text() for script in article.select("script[type='application/json']")]
    return code, figures, data


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_every_edition_shows_the_same_code_outputs_figures_and_data(built_site, lang):
    pairs = page_pairs(built_site, lang)
    assert len(pairs) >= 20
    for english, translated in pairs:
        assert translated.exists(), f"no {lang} page for {english.relative_to(built_site)}"
        want, got = shown_numbers(page_soup(english)), shown_numbers(page_soup(translated))
        for what, en, other in zip(("code and outputs", "figures", "explorer data"), want, got, strict=True):
            assert other == en, f"{translated.relative_to(built_site)}: its {what} differ from the English page's"
        assert sum(map(len, want[0])) or "notebooks" not in str(english), english


def untranslated(page, lang="ja"):
    """Prose elements of a page that hold English words and none in ``lang``'s script."""
    found = []
    article = page.select_one("article")
    skipped = {id(element) for element in article.select(NOT_PROSE)}
    for element in article.select(PROSE):
        kept = [text for text in element.strings if not any(id(parent) in skipped for parent in text.parents)]
        text = " ".join(" ".join(kept).split())
        if not SCRIPT[lang].search(text) and len(ENGLISH_WORD.findall(text)) >= 2:
            found.append(text[:120])
    return found


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_no_english_prose_is_left_on_a_translated_page(built_site, lang):
    for _, translated in page_pairs(built_site, lang):
        page = page_soup(translated)
        assert page.html["lang"] == lang, translated
        left = untranslated(page, lang)
        assert not left, f"{translated.relative_to(built_site)} has English prose: {left}"


def test_the_check_for_english_prose_finds_an_english_paragraph():
    page = BeautifulSoup(
        "<article><p>ソフトマックスは <code>torch.softmax</code> です。</p><p>This sentence was not translated.</p>"
        "<li><code>SelfAttention_v1</code></li><p>소프트맥스는 <code>torch.softmax</code>입니다.</p></article>",
        "html.parser",
    )
    for lang in TRANSLATIONS:
        assert untranslated(page, lang) == ["This sentence was not translated."]


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_figures_on_translated_pages_are_described_in_their_language(built_site, lang):
    for _, translated in page_pairs(built_site, lang):
        for svg in page_soup(translated).select("article svg[role=img]"):
            for part in ("title", "desc"):
                text = svg.find(part).get_text()
                assert SCRIPT[lang].search(text), f"{translated.relative_to(built_site)}: figure {part} {text[:80]!r}"


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


def test_the_language_switcher_leads_to_the_same_page_in_every_edition_and_back(built_site):
    for english, _ in page_pairs(built_site, "ja"):
        pages = {lang: english if lang == "en" else built_site / lang / english.relative_to(built_site)
                 for lang in EDITIONS}
        expected = {lang: str(path.relative_to(built_site)) for lang, path in pages.items()}
        for lang, path in pages.items():
            assert switcher(path, built_site) == expected, expected[lang]


# Each edition's word for causal attention, from the one term list.
CAUSAL = next(term for term in yaml.safe_load((REPO / "docs" / "data" / "terms.yml").read_text(encoding="utf-8"))
              ["terms"] if term["en"] == "causal attention")


def test_each_edition_searches_only_its_own_pages_in_its_own_language(built_site):
    indexes = {lang: json.loads((built_site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
               for lang, prefix in (("en", ""), *((lang, lang) for lang in TRANSLATIONS))}
    assert indexes["en"]["config"]["lang"] == ["en"] and indexes["en"]["config"]["separator"] == r"[\s\-]+"
    for lang, index in indexes.items():
        locations = {doc["location"].split("#")[0] for doc in index["docs"]}
        assert not any(location.startswith(tuple(f"{other}/" for other in TRANSLATIONS)) for location in locations)
        assert "causal-attention/" in locations and not any("notebooks/" in where for where in locations)
        causal = next(doc for doc in index["docs"] if doc["location"] == "causal-attention/")
        for other, script in SCRIPT.items():
            assert bool(script.search(causal["title"] + causal["text"])) == (other == lang), (lang, other)
        if lang == "en":
            continue
        # A translated index cuts words by its separator alone (see editions.SEARCH_LANGUAGE).
        assert index["config"]["separator"] == SEPARATORS[lang]
        assert index["config"]["lang"] == ["en"] and index["config"]["pipeline"] == ["stemmer"]
        assert CAUSAL[lang] in causal["title"]
        page = (built_site / lang / "causal-attention" / "index.html").read_text(encoding="utf-8")
        assert f'"base": "../../{lang}/"' in page


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
    separator = re.compile(SEPARATORS["ja"])
    assert [word for word in separator.split(text) if word] == words


@pytest.mark.parametrize(("text", "words"), [
    ("어텐션은 문맥 벡터를 만듭니다.", ["어텐션", "문맥", "벡터", "만듭니다"]),  # 은, 를 come off
    ("인과적 어텐션에서는 마스크가 미래를 가립니다", ["인과적", "어텐션", "마스크", "미래", "가립니다"]),
    ("어두운 방에서 길이가", ["어두운", "방에서", "길이"]),  # two syllables stay: 방에서, 길이 keep theirs
    ("가중치를 0.1의 드롭아웃으로", ["가중치", "0.1", "드롭아웃"]),
    ("torch.nn의 softmax를 씁니다.", ["torch.nn", "softmax", "씁니다"]),
    ("코잘 어텐션(causal attention)은", ["코잘", "어텐션", "causal", "attention"]),
])
def test_korean_search_takes_a_particle_off_its_word(text, words):
    """The Korean separator, which Material applies to pages and queries alike, so that 어텐션은 and
    어텐션 are one word for search; read with Python's re, whose lookarounds mean the same in JavaScript."""
    separator = re.compile(SEPARATORS["ko"])
    assert [word for word in separator.split(text) if word] == words


def test_each_edition_has_its_own_404_page_in_its_own_words(built_site):
    for lang in EDITIONS:
        home = "/" if lang == "en" else f"/{lang}/"
        path = built_site / home.lstrip("/") / "404.html"
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        heading = soup.select_one("article h1").get_text()
        nav = {a["href"] for a in soup.select("nav.md-nav--primary a[href]")}
        assert soup.html["lang"] == lang, path
        assert "404 - Not found" not in heading, heading
        assert all(bool(script.search(heading)) == (other == lang) for other, script in SCRIPT.items()), heading
        assert soup.select_one("article p a")["href"] == home
        in_other_edition = tuple(f"/{other}/" for other in TRANSLATIONS if other != lang)
        assert nav and all(href.startswith(home) and not href.startswith(in_other_edition) for href in nav), sorted(nav)
        assert f'"base": "{home}"' in str(soup)


def test_the_benchmarks_machine_is_named_in_each_editions_own_words(built_site):
    from engine.words import machine_sentence as describe
    from snippets.benchmark import load_recorded

    record = load_recorded()
    for lang in EDITIONS:
        page = "performance" if lang == "en" else f"{lang}/performance"
        text = page_soup(built_site / page / "index.html").select_one("article").get_text()
        assert describe(lang, record) in text, lang
    for lang in TRANSLATIONS:
        assert " on " not in describe(lang, record) and record["cpu_vendor"] in describe(lang, record)
