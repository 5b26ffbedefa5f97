"""The English edition at the site's root, the Japanese one under ``/ja/`` and the Korean one under
``/ko/``, each a site of its own for the reader.

mkdocs-static-i18n builds each translated edition as a further pass of the same build (the snippets'
runs are reused). The plugin (``engine.plugin``) finishes the job with these:

- Search: each edition gets its own index, in its own language (:class:`SearchIndexes`), so a page
  loads only the index of its edition, and an English search never returns Japanese pages. The i18n
  plugin would merge them all.
- The language switcher: every page, the notebooks and the home pages included, links to its
  counterpart by a relative link (:func:`switcher_links`), which works wherever the site is hosted.
  The section a reader is in is kept by docs/assets/editions.js: every edition gives every section the
  same id.
- A translated page's ``base`` (where Material's script finds the search index) points into its
  edition (:func:`edition_base`). The head's alternate links, which Material would misread as edition
  roots, are left out (:func:`without_head_alternates`).
- Each edition's own 404 page (:func:`not_found_page`).
- Emphasis on Japanese or Korean words is marked for the site's style, which sets it upright
  (:func:`mark_cjk_emphasis`).
"""

import json
import re
from pathlib import Path

from engine.directives import prefix
from engine.words import NOT_FOUND


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
JUPYTER_CACHE = ".cache/mkdocs-jupyter"  # its default; a translated edition's cache is in ja/ or ko/ below it
class SearchIndexes:
    """Each edition's search index, in its own language, written apart at the end of the build."""

    def __init__(self):
        self.settings = {}  # edition -> the search language, separator and pipeline of its index
        self.indexes = {}  # edition -> the search plugin's index of its pages

    def configure(self, search, config, lang):
        """Point Material's search plugin at ``lang``'s index. Material takes the index's language, word
        separator and pipeline from the theme's language, but only the first time; each edition asks
        again (once per process: asking loads templates)."""
        if lang not in self.settings:
            search.config.lang = search.config.separator = search.config.pipeline = None
            search.on_config(config)
            separator = SEPARATORS.get(lang, search.config.separator)
            pipeline = ["stemmer"] if lang in SEARCH_LANGUAGE else search.config.pipeline
            self.settings[lang] = (SEARCH_LANGUAGE.get(lang, search.config.lang), separator, pipeline)
        search.config.lang, search.config.separator, search.config.pipeline = self.settings[lang]
        search.search_index = type(search.search_index)(**search.config)
        self.indexes[lang] = search.search_index  # filled as this edition's pages are built

    def write(self, site_dir):
        """Write each edition's index under its folder, with only its own pages."""
        for lang, search_index in self.indexes.items():
            index = json.loads(search_index.generate_search_index(None))
            own = prefix(lang)
            others = tuple(prefix(other) for other in self.indexes if other != lang and prefix(other))
            index["docs"] = [
                {**doc, "location": doc["location"].removeprefix(own)}
                for doc in index["docs"]
                if doc["location"].startswith(own) and not (others and doc["location"].startswith(others))
            ]
            target = Path(site_dir) / own / "search" / "search_index.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def jupyter_cache(lang):
    """mkdocs-jupyter's cache folder for ``lang``. It evicts the cached notebook pages a build did not use,
    and each edition's pass is a build: with one cache folder, each pass evicted the other's."""
    return str(Path(JUPYTER_CACHE) / prefix(lang))


def mark_cjk_emphasis(html, lang):
    """Emphasis on Japanese or Korean words, set their way (docs/assets/site.css): kana, kanji and Hangul
    have no italic."""
    return html if not prefix(lang) else _CJK_EMPHASIS.sub('<em class="emphasis-marks">', html)


def switcher_links(alternates, url, lang):
    """Point each entry of the language switcher (``config.extra.alternate``, which the i18n plugin sets
    per page) at this page's counterpart in its edition, by a link from the site's root."""
    path = url.removeprefix(prefix(lang))
    for alternate in alternates:
        alternate["link"] = prefix(alternate["lang"]) + path or "./"


def edition_base(output, lang):
    """The page's ``base`` (where Material's script finds the search index), pointed into ``lang``'s
    edition: a page's relative ``..`` becomes ``../ko/``, the 404 page's ``/`` becomes ``/ko/``."""
    return _BASE.sub(lambda match: f"{match[1]}{match[2].rstrip('/')}/{prefix(lang)}{match[3]}", output, count=1)


def without_head_alternates(output):
    """The page without the head's alternate links. Material reads them as the roots of whole editions
    and fetches a sitemap.xml under each (404s here, and needs site_url); then its click handler takes
    over the switcher and drops the section. The switcher's own links are per page and relative."""
    head, end_of_head, body = output.partition("</head>")
    return _HEAD_ALTERNATE.sub("", head) + end_of_head + body


def finished_page(output, lang):
    """A built page, with its edition's search base and without the head's alternate links."""
    output = without_head_alternates(output)
    return edition_base(output, lang) if prefix(lang) else output


_THEME_404 = "<h1>404 - Not found</h1>"


class EditionError(ValueError):
    """The theme no longer has what the editions' pages rely on."""


def not_found_page(output, lang, site_url, site_dir):
    """Each edition's own 404 page: the English one at the site's root, where hosts look for it (returned),
    the others written to ``/ja/404.html`` and ``/ko/404.html`` (and "" returned: MkDocs writes no empty
    page), each in its own words, with its own navigation and search."""
    root = site_url or "/"
    # No page of its own, so its switcher leads to each edition's home.
    output = _HEAD_ALTERNATE.sub("", output)
    output = re.sub(
        r'(<a href=")[^"]*(" hreflang="(\w+)" class="md-select__link")',
        lambda match: f"{match[1]}{root}{prefix(match[3])}{match[2]}",
        output,
    )
    heading, text = NOT_FOUND[lang]
    if _THEME_404 not in output:
        raise EditionError(f"Material's 404 page no longer says {_THEME_404!r}: engine/editions.py cannot translate it")
    output = output.replace(_THEME_404, f"<h1>{heading}</h1>\n<p>{text.format(home=root + prefix(lang))}</p>")
    if not prefix(lang):
        return output
    output = edition_base(output, lang)
    target = Path(site_dir) / prefix(lang) / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    return ""
