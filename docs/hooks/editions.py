"""MkDocs hook: the English edition at the site's root and the Japanese one under ``/ja/``, each a
site of its own for the reader.

mkdocs-static-i18n builds the Japanese edition as a second pass of the same build (the snippets'
runs are reused, see executed_snippets.py). This hook finishes the job in three places:

- Search: each edition gets its own index, in its own language (Japanese is segmented into words by
  lunr's Japanese support), so a page loads only the index of its edition, and an English search
  never returns Japanese pages. The plugin would merge both into one.
- The language switcher: every page, the notebooks and the home pages included, links to its
  counterpart by a relative link, which works wherever the site is hosted. The section a reader is
  in is kept by docs/assets/editions.js: both editions give every section the same id.
- A Japanese page's ``base`` (where Material's script finds the search index) points at ``/ja/``.
"""

import json
import re
from pathlib import Path

from mkdocs.plugins import event_priority

DEFAULT = "en"
_BASE = re.compile(r'("base": ")([^"]*)(")')
_indexes = {}  # edition -> the search plugin's index of its pages


def _language(config):
    return config.theme["language"]


def _prefix(lang):
    """Where an edition lives, relative to the site's root."""
    return "" if lang == DEFAULT else f"{lang}/"


@event_priority(-110)  # after the i18n plugin has set this edition's theme language
def on_config(config):
    # Material's search takes its language, word separator and pipeline from the theme's language,
    # but only the first time; each edition asks again.
    search = config.plugins["material/search"]
    search.config.lang = search.config.separator = search.config.pipeline = None
    search.on_config(config)
    _indexes[_language(config)] = search.search_index  # filled as this edition's pages are built
    return config


@event_priority(0)  # after the i18n plugin's own switcher links
def on_page_context(context, page, config, nav):
    lang = _language(config)
    path = page.url.removeprefix(_prefix(lang))
    for alternate in config.extra.alternate:  # what the theme reads; the i18n plugin sets it per page
        alternate["link"] = _prefix(alternate["lang"]) + path or "./"
    return context


def on_post_page(output, page, config):
    lang = _language(config)
    if lang == DEFAULT:
        return output
    return _BASE.sub(lambda match: f"{match[1]}{match[2]}/{_prefix(lang)}{match[3]}", output, count=1)


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
