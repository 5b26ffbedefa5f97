"""What a process keeps between builds, so that a `mkdocs serve` rebuild after a prose edit stays fast.

- :class:`PageCache`: a page whose Markdown, directives' inputs and surroundings have not changed is
  not converted again. A rebuild after a prose edit used to convert every page of three editions,
  highlighting some two hundred code blocks each, to change one.
- :class:`RememberingParser`: a page whose HTML has not changed is not parsed again for the search
  index (Material's parser, about a second per rebuild for all editions).
- :class:`TemplateBytecode`: each Jinja template is compiled once per process. MkDocs makes a new
  environment for every build and edition (about a second each), and nbconvert one for every notebook
  (a quarter of a second each). Jinja checks each template's source checksum before reusing its
  bytecode, so an edited template is compiled afresh.

Two of these reach into third-party internals: :func:`install_patches` says which, and
tests/test_patches.py fails with a clear message when a pinned version no longer has them. Every cache
is bounded. A new process starts empty, so `mkdocs build` and CI always convert everything.
"""

import copy
import hashlib
from collections import OrderedDict

import jinja2


class Bounded(OrderedDict):
    """A dict that forgets its least recently used entries beyond ``size``."""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def get_fresh(self, key):
        """The entry for ``key`` (marked as just used), or None."""
        if key not in self:
            return None
        self.move_to_end(key)
        return self[key]

    def put(self, key, value):
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


# Three editions of some forty pages; a rebuild after an edit adds each edited page once more.
PAGES_KEPT = 256


class PageCache:
    """What ``Page.render`` leaves on a page, by everything the conversion depends on (see :meth:`key`)."""

    def __init__(self, size=PAGES_KEPT):
        self.rendered = Bounded(size)

    @staticmethod
    def key(*parts: str) -> str:
        digest = hashlib.sha256()
        for part in parts:
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def wrap(self, page, key):
        """Make ``page.render`` reuse the result of an earlier conversion with the same ``key``."""
        convert = page.render

        def render(config, files):
            kept = self.rendered.get_fresh(key)
            if kept is None:
                convert(config, files)
                links = {target.src_uri: anchors for target, anchors in (page.links_to_anchors or {}).items()}
                kept = (page.content, page.toc, page._title_from_render, page.present_anchor_ids, links)
                self.rendered.put(key, kept)
            page.content, page.toc, page._title_from_render, page.present_anchor_ids, links = kept
            # Links point at this build's File objects, so that anchors are checked against this build's pages.
            page.links_to_anchors = {files.get_file_from_path(uri): anchors for uri, anchors in links.items()}

        page.render = render


SECTIONS_KEPT = 256
_sections = Bounded(SECTIONS_KEPT)  # hash of a page's HTML -> the sections Material's search parser found


def remembering_parser(parser_class):
    """Material's search parser, made to read each page's HTML once per process."""

    class RememberingParser(parser_class):
        def feed(self, data):
            key = hashlib.sha256(data.encode("utf-8")).hexdigest()
            kept = _sections.get_fresh(key)
            if kept is None:
                super().feed(data)
                super().close()
                kept = self.data
                _sections.put(key, kept)
            self.data = copy.deepcopy(kept)  # the index fills in missing titles on these

        def close(self):
            pass  # feed() has closed it already

    return RememberingParser


class TemplateBytecode(jinja2.BytecodeCache):
    """Jinja bytecode in memory, one entry per template (so bounded by the number of templates)."""

    def __init__(self):
        self._store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


BYTECODE = TemplateBytecode()

# What install_patches replaces in third-party code: (module, attribute, what it is for).
PATCHED = (
    ("material.plugins.search.plugin", "Parser", "the search parser, to parse each page's HTML once"),
    ("nbconvert.exporters.templateexporter", "TemplateExporter._create_environment",
     "nbconvert's Jinja environment, to compile its templates once"),
)
_installed = False


def install_patches():
    """Patch Material's search parser and nbconvert's template environment, once per process."""
    global _installed
    if _installed:
        return
    import material.plugins.search.plugin as search_plugin
    from nbconvert.exporters.templateexporter import TemplateExporter

    search_plugin.Parser = remembering_parser(search_plugin.Parser)
    create_environment = TemplateExporter._create_environment

    def with_bytecode(exporter):
        env = create_environment(exporter)
        env.bytecode_cache = BYTECODE
        return env

    TemplateExporter._create_environment = with_bytecode
    _installed = True
