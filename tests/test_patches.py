"""The engine reaches into five third-party internals to keep rebuilds fast and editions apart. Each test
here fails, with a message naming what moved, when a pinned version no longer has what the engine uses:
update the engine's code named in the message, or drop the speed-up."""

import inspect

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from engine import caches


def _why(what, where):
    return f"{what}: {where} relies on it; update it for the pinned version, or drop that speed-up"


def test_materials_search_parser_still_collects_a_pages_sections_in_data_when_fed_and_closed():
    from material.plugins.search import plugin as search_plugin

    original = search_plugin.Parser
    while original.__name__ == "RememberingParser":  # install_patches has run in this process
        original = original.__mro__[1]
    for name in ("feed", "close"):
        assert callable(getattr(original, name, None)), _why(f"Material's search Parser has no {name}()",
                                                             "engine/caches.py remembering_parser")
    page = '<h1 id="a">Title</h1><p>Some words.</p><h2 id="b">Part</h2><p>More words.</p>'
    parser = original()
    parser.feed(page)
    parser.close()
    assert len(getattr(parser, "data", [])) == 2, _why("Material's search Parser no longer fills .data with "
                                                       "one entry per section", "engine/caches.py remembering_parser")
    remembering = caches.remembering_parser(original)()
    remembering.feed(page)
    assert [(section.id, section.title, section.text) for section in remembering.data] == [
        (section.id, section.title, section.text) for section in parser.data
    ]


def test_nbconverts_template_exporter_still_makes_its_jinja_environment_in_create_environment():
    from nbconvert.exporters import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    assert "_create_environment" in vars(TemplateExporter), _why(
        "nbconvert's TemplateExporter no longer defines _create_environment", "engine/caches.py install_patches")
    caches.install_patches()
    env = HTMLExporter()._create_environment()
    assert isinstance(env, jinja2.Environment) and env.bytecode_cache is caches.BYTECODE


def test_mkdocs_page_render_still_leaves_what_the_page_cache_keeps(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# A title\n\nA [link](#a-title).\n")
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")})
    errors, warnings = config.validate()
    assert not errors, errors
    file = File("page.md", config.docs_dir, config.site_dir, True)
    page = Page(None, file, config)
    page.read_source(config)
    page.render(config, [file])
    for name in ("content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"):
        assert hasattr(page, name), _why(f"MkDocs' Page.render no longer sets page.{name}",
                                         "engine/caches.py PageCache")
    assert page._title_from_render == "A title"


def test_materials_search_plugin_still_builds_its_index_from_lang_separator_and_pipeline():
    from material.plugins.search.plugin import SearchIndex, SearchPlugin

    scheme = dict(SearchPlugin.config_scheme)
    for name in ("lang", "separator", "pipeline"):
        assert name in scheme, _why(f"Material's search plugin has no '{name}' setting",
                                    "engine/editions.py SearchIndexes.configure")
    parameters = inspect.signature(SearchIndex.__init__).parameters
    assert "options" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values()), _why(
        "Material's SearchIndex no longer takes the plugin's settings as keywords",
        "engine/editions.py SearchIndexes.configure")
    index = SearchIndex(lang=["en"], separator=r"[\s\-]+", pipeline=["stemmer"])
    assert index.config["separator"] == r"[\s\-]+"


def test_the_i18n_plugin_still_says_whether_a_pass_is_an_inner_one():
    from mkdocs_static_i18n.plugin import I18n

    assert I18n().building is False, _why("mkdocs-static-i18n's plugin no longer has .building",
                                         "engine/plugin.py on_post_build")
