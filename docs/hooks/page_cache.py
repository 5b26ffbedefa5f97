"""MkDocs hook: under `mkdocs serve`, a page whose final Markdown has not changed is not converted again,
and a page whose HTML has not changed is not parsed again for the search index.

A rebuild after a prose edit used to convert all thirteen pages, highlighting some two hundred code
blocks, to change one. The cache key is everything a conversion depends on: the page's Markdown after
every other hook has filled in its directives (so a snippet edit that changes a number changes the
key), the page's path, the set of files the site has (links are resolved against it), and
mkdocs.yml (the Markdown extensions and their settings). A new process starts with an empty cache, so
`mkdocs build` and CI always convert everything.
"""

import copy
import hashlib
from pathlib import Path

import material.plugins.search.plugin as search_plugin
from mkdocs.plugins import event_priority

_rendered = {}  # key -> what Page.render leaves on the page
_sections = {}  # hash of a page's HTML -> the sections Material's search parser found in it


class _RememberingParser(search_plugin.Parser):
    """Material's search parser, which reads a page's HTML once per process: a rebuild with two
    editions indexed all their pages again, about a second, for the one page that changed."""

    def feed(self, data):
        key = hashlib.sha256(data.encode("utf-8")).hexdigest()
        if key not in _sections:
            super().feed(data)
            super().close()
            _sections[key] = self.data
        self.data = copy.deepcopy(_sections[key])  # the index fills in missing titles on these

    def close(self):
        pass  # feed() has closed it already


search_plugin.Parser = _RememberingParser


def _key(markdown, page, config, files):
    digest = hashlib.sha256()
    for part in (
        markdown,
        page.file.src_uri,
        page.url,
        "\n".join(sorted(file.src_uri for file in files)),
        Path(config.config_file_path).read_text(encoding="utf-8"),
    ):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


@event_priority(-100)  # last: after the other hooks have put the code, outputs and figures in
def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):
        return markdown  # notebooks are mkdocs-jupyter's, with a cache of its own
    key = _key(markdown, page, config, files)
    convert = page.render

    def render(config, files):
        if key not in _rendered:
            convert(config, files)
            links = {target.src_uri: anchors for target, anchors in (page.links_to_anchors or {}).items()}
            _rendered[key] = (page.content, page.toc, page._title_from_render, page.present_anchor_ids, links)
        page.content, page.toc, page._title_from_render, page.present_anchor_ids, links = _rendered[key]
        # Links point at this build's File objects, so that anchors are checked against this build's pages.
        page.links_to_anchors = {files.get_file_from_path(uri): anchors for uri, anchors in links.items()}

    page.render = render
    return markdown
