"""MkDocs hook: the English edition at the site's root, the Japanese one under ``/ja/`` and the Korean
one under ``/ko/``, each a site of its own for the reader.

mkdocs-static-i18n builds each translated edition as a further pass of the same build (the snippets'
runs are reused, see executed_snippets.py). This hook finishes the job:

- Search: each edition gets its own index, in its own language, so a page loads only the index of
  its edition, and an English search never returns Japanese pages. The plugin would merge both.
- The language switcher: every page, the notebooks and the home pages included, links to its
  counterpart by a relative link, which works wherever the site is hosted. The section a reader is
  in is kept by docs/assets/editions.js: both editions give every section the same id.
- A translated page's ``base`` (where Material's script finds the search index) points into its
  edition, ``/ja/`` or ``/ko/``.
  The head's alternate links, which Material would misread as edition roots, are left out.
- Each edition keeps its own cache of converted notebooks.
- Emphasis on Japanese or Korean words is marked for the site's style, which sets it upright.
"""

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

DEFAULT = "en"


def _japanese_words():
    """Where Japanese text splits into words for search. Japanese has no spaces, so the split is by
    script, one rule for pages and queries alike (Material splits a query with this same separator):

    - spaces and punctuation, Japanese and ASCII (a full stop only where it ends a word: torch.nn stays);
    - every change of script (kanji, katakana, hiragana, Latin), except from kanji to hiragana, so
      that a word keeps its okurigana and particles: 暗い部屋で is 暗い / 部屋で, アテンション重み is
      アテンション / 重み, and a query's 重み finds 重みを by its prefix, as Material searches;
    - a single hiragana between other scripts, a particle such as を or は, is no word at all: no
      query matches every page on い or の.
    """
    kanji, katakana, hiragana, latin = "\u4e00-\u9fff々", "\u30a0-\u30ffー", "\u3040-\u309f", "A-Za-z0-9_"
    scripts = (kanji, katakana, hiragana, latin)
    changes = [f"(?<=[{a}])(?=[{b}])" for a in scripts for b in scripts if a != b and (a, b) != (kanji, hiragana)]
    punctuation = "[\\s\\-　、。，．・：；！？「」『』（）〔〕［］【】〈〉,:;!?()\\[\\]\"'/]+"
    full_stop = "(?<![A-Za-z0-9_])\\.|\\.(?![A-Za-z0-9_])"
    particle = f"(?<![{kanji}{hiragana}])[{hiragana}](?![{hiragana}])"
    return "|".join([punctuation, full_stop, particle, *changes])


def _korean_words():
    """Where Korean text splits into words for search. Korean puts spaces between words, but writes a
    particle onto its word (어텐션은, 가중치를, 마스크가), so a reader typing 어텐션은 or 가중치를 would
    find only that spelling. The separator, applied to pages and queries alike, also cuts off one
    particle at a word's end, where at least two syllables stay in front of it, or a Latin word or a
    number (softmax를, 0.1의): 길이 (length) and 방에서 keep their last syllable, 어텐션은 is 어텐션.
    """
    hangul = "\uac00-\ud7a3"
    punctuation = "[\\s\\-,:;!?()\\[\\]\"'/·…“”‘’「」『』〈〉《》]+"
    full_stop = "(?<![A-Za-z0-9_])\\.|\\.(?![A-Za-z0-9_])"
    # Longest first: a regular expression takes the first alternative that matches.
    particles = "에서는|에서|에게|으로는|으로|에는|까지|부터|처럼|보다|은|는|이|가|을|를|의|에|로|와|과|도|만"
    particle = f"(?:(?<=[{hangul}]{{2}})|(?<=[A-Za-z0-9_)\\]]))(?:{particles})(?=[\\s\\-.,:;!?()\\[\\]\"'/·…“”‘’]|$)"
    return "|".join([punctuation, full_stop, particle])


SEPARATORS = {"ja": _japanese_words(), "ko": _korean_words()}
# lunr's own Japanese support would cut every word again with its segmenter, which splits 暗い into 暗 /
# い and a word differently in different sentences, and only pages, never queries. lunr's Korean
# support trims every Hangul word away (its trimmer knows no Hangul). The Japanese and Korean indexes
# ask for neither: their words are cut by SEPARATORS alone, and lunr's English stemmer (the pipeline
# keeps only it) touches nothing but the English words on their pages.
SEARCH_LANGUAGE = {"ja": ["en"], "ko": ["en"]}
_CJK_EMPHASIS = re.compile(r"<em>(?=[^<]*[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3])")  # *重み*, *가중치*, not *t*
_BASE = re.compile(r'("base": ")([^"]*)(")')
_HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_JUPYTER_CACHE = ".cache/mkdocs-jupyter"  # its default; a translated edition's cache is in ja/ or ko/ below it
_search_settings = {}  # edition -> the search language, separator and pipeline of its index
_indexes = {}  # edition -> the search plugin's index of its pages


def _language(config):
    return config.theme["language"]


def _prefix(lang):
    """Where an edition lives, relative to the site's root."""
    return "" if lang == DEFAULT else f"{lang}/"


@event_priority(-110)  # after the i18n plugin has set this edition's theme language
def on_config(config):
    # Material's search takes its language, word separator and pipeline from the theme's language,
    # but only the first time; each edition asks again (once per process: asking loads templates).
    search, lang = config.plugins["material/search"], _language(config)
    if lang not in _search_settings:
        search.config.lang = search.config.separator = search.config.pipeline = None
        search.on_config(config)
        separator = SEPARATORS.get(lang, search.config.separator)
        pipeline = ["stemmer"] if lang in SEARCH_LANGUAGE else search.config.pipeline
        _search_settings[lang] = (SEARCH_LANGUAGE.get(lang, search.config.lang), separator, pipeline)
    search.config.lang, search.config.separator, search.config.pipeline = _search_settings[lang]
    search.search_index = type(search.search_index)(**search.config)
    _indexes[lang] = search.search_index  # filled as this edition's pages are built
    # mkdocs-jupyter evicts the cached notebook pages a build did not use, and each edition's pass is a
    # build: with one cache folder, each pass evicted the other's and every rebuild converted all twelve.
    jupyter = config.plugins["mkdocs-jupyter"].config
    jupyter["cache_dir"] = str(Path(_JUPYTER_CACHE) / _prefix(lang))
    return config


def on_page_content(html, page, config, files):
    # Emphasis on Japanese or Korean words is set their way (docs/assets/site.css): kana, kanji and
    # Hangul have no italic.
    return html if _language(config) == DEFAULT else _CJK_EMPHASIS.sub('<em class="emphasis-marks">', html)


@event_priority(0)  # after the i18n plugin's own switcher links
def on_page_context(context, page, config, nav):
    lang = _language(config)
    path = page.url.removeprefix(_prefix(lang))
    for alternate in config.extra.alternate:  # what the theme reads; the i18n plugin sets it per page
        alternate["link"] = _prefix(alternate["lang"]) + path or "./"
    return context


def _edition_base(output, lang):
    """The page's ``base`` (where Material's script finds the search index), pointed into ``lang``'s
    edition: a page's relative ``..`` becomes ``../ko/``, the 404 page's ``/`` becomes ``/ko/``."""
    return _BASE.sub(lambda match: f"{match[1]}{match[2].rstrip('/')}/{_prefix(lang)}{match[3]}", output, count=1)


def on_post_page(output, page, config):
    # Material reads the head's alternate links as the roots of whole editions and fetches a
    # sitemap.xml under each (404s here, and needs site_url). Then its click handler takes over the
    # switcher and drops the section. The switcher's own links are per page and relative, so the
    # head copies go.
    head, end_of_head, body = output.partition("</head>")
    output = _HEAD_ALTERNATE.sub("", head) + end_of_head + body
    lang = _language(config)
    if lang == DEFAULT:
        return output
    return _edition_base(output, lang)


_THEME_404 = "<h1>404 - Not found</h1>"
NOT_FOUND = {  # the 404 page's heading and text; {home} is the edition's home
    "en": ("Page not found", 'There is no page at this address. Every page of the site is listed on the'
           ' <a href="{home}">home page</a>, and the search above finds the words on them.'),
    "ja": ("ページが見つかりません", 'このアドレスのページはありません。サイトのすべてのページは'
           '<a href="{home}">ホーム</a>から開けます。上の検索で、ページの言葉から探すこともできます。'),
    "ko": ("페이지를 찾을 수 없습니다", '이 주소에는 페이지가 없습니다. 이 길잡이의 모든 페이지는'
           ' <a href="{home}">홈</a>에서 열 수 있고, 위쪽 검색 창에서 낱말로 페이지를 찾을 수도 있습니다.'),
}


def on_post_template(output, template_name, config):
    """Each edition's own 404 page: the English one at the site's root, where hosts look for it, the
    others at ``/ja/404.html`` and ``/ko/404.html``, each in its own words, with its own navigation and
    search."""
    if template_name != "404.html":
        return output
    lang, root = _language(config), config.site_url or "/"
    # No page of its own, so its switcher leads to each edition's home.
    output = _HEAD_ALTERNATE.sub("", output)
    output = re.sub(
        r'(<a href=")[^"]*(" hreflang="(\w+)" class="md-select__link")',
        lambda match: f"{match[1]}{root}{_prefix(match[3])}{match[2]}",
        output,
    )
    heading, text = NOT_FOUND[lang]
    if _THEME_404 not in output:
        raise PluginError(f"Material's 404 page no longer says {_THEME_404!r}: editions.py cannot translate it")
    output = output.replace(_THEME_404, f"<h1>{heading}</h1>\n<p>{text.format(home=root + _prefix(lang))}</p>")
    if lang == DEFAULT:
        return output
    output = _edition_base(output, lang)
    target = Path(config.site_dir) / _prefix(lang) / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    return ""  # mkdocs writes no empty page: the root keeps the English one


@event_priority(-200)  # after the i18n plugin has built every edition and merged their indexes
def on_post_build(config):
    if config.plugins["i18n"].building:
        return  # an inner pass: the outer build writes every edition's index once all are built
    for lang, search_index in _indexes.items():
        index = json.loads(search_index.generate_search_index(None))
        prefix = _prefix(lang)
        others = tuple(_prefix(other) for other in _indexes if other != lang and _prefix(other))
        index["docs"] = [
            {**doc, "location": doc["location"].removeprefix(prefix)}
            for doc in index["docs"]
            if doc["location"].startswith(prefix) and not (others and doc["location"].startswith(others))
        ]
        target = Path(config.site_dir) / prefix / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
