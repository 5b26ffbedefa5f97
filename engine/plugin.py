"""The site's one MkDocs plugin (``attention-companion`` in mkdocs.yml, registered in pyproject.toml).

It wires the engine into a MkDocs (or ProperDocs) build; everything it calls works without MkDocs:

- the nav and its translations come from ``engine.catalog``;
- every walk-through runs once per process (``runner.Runs``), again only for edited code;
- the directives are expanded by a Python-Markdown extension (``engine.directives``), fed the page
  being converted;
- each page with code gets its ``.py`` and ``.ipynb`` downloads, and each notebook the catalog lists is
  handed to mkdocs-jupyter, in its edition's folder;
- each edition gets its own search index, switcher links and 404 page (``engine.editions``);
- formulas become MathML (``engine.mathml``), pages lose weight no reader sees (``engine.page_weight``);
- under `mkdocs serve`, unchanged pages are not converted again (``engine.caches``).

Its state lives on the plugin object, which MkDocs keeps for the whole process: every edition's pass
and every rebuild. The temporary notebook folder is removed when the build or the server ends.
"""

import os
import re
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from engine import caches, catalog, directives, editions, mathml, notebooks, page_weight, runner, standalone, words
from engine.glossary import GlossaryError

_HIGHLIGHT = re.compile(r'(<div class="(?:[\w-]+ )*highlight")')
# Script tags nbconvert's template always adds for MathJax (from a CDN, or src="" when the URL is
# set empty) and Mermaid (from a CDN). The notebooks hold neither math nor diagrams, so their pages
# drop them and stay offline.
_CDN_SCRIPTS = re.compile(
    r'<script src="(?:https?://[^"]*)?">\s*</script>'
    r'|<script type="text/x-mathjax-config">.*?</script>'
    r'|<script type="module">(?:(?!</script>).)*?https?://(?:(?!</script>).)*</script>',
    re.S,
)
_ENGINE_ERRORS = (directives.DirectiveError, GlossaryError, mathml.MathError, editions.EditionError,
                  runner.WalkthroughError)


class CompanionConfig(Config):
    # The address of the site's repository, for the pages that say where the code lives. The hosted
    # workflow sets it (SITE_REPOSITORY); without it, those pages say how to get the code.
    repository = config_options.Type(str, default="")


def _language(config):
    """The edition being built: the i18n plugin sets the theme's language for each pass."""
    return config.theme["language"]


def _is_notebook(page):
    return page.file.src_uri.startswith("notebooks/")


class CompanionPlugin(BasePlugin[CompanionConfig]):
    def __init__(self):
        self.runs = runner.Runs()
        self.directives = None  # made once the configuration is known
        self.pages = caches.PageCache()
        self.search = editions.SearchIndexes()
        self.notebook_folder = notebooks.Folder()
        self.configuration = ""  # mkdocs.yml's text: the Markdown extensions and their settings, for the page cache
        caches.install_patches()

    # --- configuration -------------------------------------------------------------------------------

    @event_priority(100)  # before the i18n plugin reads the nav and its translations
    def _configure_site(self, config):
        if config.nav is None:
            config.nav = catalog.nav()
        for language in config.plugins["i18n"].config.languages:
            if language.locale != catalog.LANGUAGES[0] and not language.nav_translations:
                language.nav_translations = catalog.nav_translations(language.locale)
        if self.directives is None:
            try:
                self.directives = directives.Directives(self.runs, config.docs_dir, self.config.repository)
            except directives.DirectiveError as error:
                raise PluginError(str(error)) from error
        extension = directives.DirectivesExtension(self.directives)
        config.markdown_extensions = [
            item for item in config.markdown_extensions if not isinstance(item, directives.DirectivesExtension)
        ] + [extension]
        return config

    @event_priority(-110)  # after the i18n plugin has set this edition's theme language
    def _configure_edition(self, config):
        lang = _language(config)
        self.search.configure(config.plugins["material/search"], config, lang)
        config.plugins["mkdocs-jupyter"].config["cache_dir"] = editions.jupyter_cache(lang)
        return config

    on_config = CombinedEvent(_configure_site, _configure_edition)

    def on_pre_build(self, config):
        # Each edition's pass comes here; only the first pass of a process, or one after an edit, runs anything.
        with open(config.config_file_path, encoding="utf-8") as file:
            self.configuration = file.read()
        try:
            self.runs.refresh()  # on_files then reads every page's program afresh from these runs
        except runner.WalkthroughError as error:
            raise PluginError(str(error)) from error

    def on_env(self, env, config, files):
        env.bytecode_cache = caches.BYTECODE
        return env

    # --- files: downloads and notebooks --------------------------------------------------------------

    # After the i18n plugin has sorted the pages into editions: it drops files from outside docs/. So each
    # page's downloads are added here, and its notebook handed to mkdocs-jupyter, placed in the edition's folder.
    @event_priority(-110)
    def on_files(self, files, config):
        lang = _language(config)
        prefix = directives.prefix(lang)
        made_with = words.machine_sentence(lang)
        folder = self.notebook_folder.path / lang / "notebooks"
        folder.mkdir(parents=True, exist_ok=True)
        listed = {page.name for page in catalog.NOTEBOOK_PAGES}
        self.directives.programs.clear()
        with_code = set()
        for file in files.documentation_pages():
            page = directives.PageContext(file.src_uri, file.url, lang)
            try:
                program = self.directives.program(file.content_string, page)
            except directives.DirectiveError as error:
                raise PluginError(str(error)) from error
            if not program.blocks:
                continue
            with_code.add(page.name)
            notebook = notebooks.dumps(notebooks.notebook(program, f"{page.name}.ipynb", made_with, lang))
            script = standalone.script(program, f"{page.name}.py", made_with, lang)
            files.append(File.generated(config, f"{prefix}downloads/{page.name}.py", content=script))
            files.append(File.generated(config, f"{prefix}downloads/{page.name}.ipynb", content=notebook))
            if page.name in listed:
                path = folder / f"{page.name}.ipynb"
                if not path.exists() or path.read_text(encoding="utf-8") != notebook:  # else the cache holds
                    path.write_text(notebook, encoding="utf-8")
        if listed - with_code:
            raise PluginError(f"the catalog lists notebooks of pages that have no code: {sorted(listed - with_code)}")
        pages = Files(
            [File(f"notebooks/{name}.ipynb", str(folder.parent), config.site_dir, config.use_directory_urls)
             for name in sorted(listed)]
        )
        for file in config.plugins["mkdocs-jupyter"].on_files(pages, config):
            file.dest_path = prefix + file.dest_path
            file.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, file.dest_path))
            file.url = prefix + file.url
            files.append(file)
        return files

    # --- pages ---------------------------------------------------------------------------------------

    @event_priority(-100)  # last: the page cache's key is the Markdown every other plugin has left
    def on_page_markdown(self, markdown, page, config, files):
        if _is_notebook(page):
            self.directives.page = None  # mkdocs-jupyter's, with a cache of its own
            return markdown
        self.directives.page = directives.PageContext(page.file.src_uri, page.url, _language(config))
        key = self.pages.key(
            markdown,
            page.file.src_uri,
            page.url,
            self.runs.digest(directives.modules_used(markdown)),
            "\n".join(sorted(file.src_uri for file in files)),
            self.configuration,
        )
        self.pages.wrap(page, key)
        render = page.render

        def render_with_clear_errors(config, files):
            try:
                render(config, files)
            except _ENGINE_ERRORS as error:
                raise PluginError(str(error)) from error

        page.render = render_with_clear_errors
        return markdown

    def on_page_content(self, html, page, config, files):
        lang = _language(config)
        if _is_notebook(page):
            # Offline, and code cells that scroll sideways can be reached with the keyboard.
            html = _CDN_SCRIPTS.sub("", html)
            html = html.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')
            name = page.file.src_uri.removeprefix("notebooks/").removesuffix(".ipynb")
            script = files.get_file_from_path(f"{directives.prefix(lang)}downloads/{name}.py")
            py = get_relative_url(script.url, page.url)
            downloads = words.PAGE[lang]["notebook_downloads"].format(name=name, py=py)
            return editions.mark_cjk_emphasis(f"<p>{downloads}</p>\n{html}", lang)
        # Code blocks stay out of the search index, which every page loads: they are the same in every
        # edition, and a third of the index. Names in the prose (inline code) are still found.
        html = _HIGHLIGHT.sub(r"\1 data-search-exclude", html)
        try:
            html = mathml.to_mathml(html, page.file.src_uri)
        except mathml.MathError as error:
            raise PluginError(str(error)) from error
        return editions.mark_cjk_emphasis(html, lang)

    @event_priority(100)  # before the search plugin indexes the page
    def _keep_notebooks_out_of_search(self, context, page, config, nav):
        # A notebook repeats its chapter page; keep it out of search so results point at the page.
        if _is_notebook(page):
            page.meta["search"] = {"exclude": True}
        return context

    @event_priority(0)  # after the i18n plugin has set this page's switcher entries
    def _switcher_links(self, context, page, config, nav):
        editions.switcher_links(config.extra.alternate, page.url, _language(config))
        return context

    on_page_context = CombinedEvent(_keep_notebooks_out_of_search, _switcher_links)

    @event_priority(-100)  # after the other plugins have written the page
    def on_post_page(self, output, page, config):
        output = editions.finished_page(output, _language(config))
        return page_weight.lighter_page(output, notebook=_is_notebook(page))

    def on_post_template(self, output, template_name, config):
        if template_name != "404.html":
            return output
        try:
            return editions.not_found_page(output, _language(config), config.site_url, config.site_dir)
        except editions.EditionError as error:
            raise PluginError(str(error)) from error

    @event_priority(-200)  # after the i18n plugin has built every edition and merged their indexes
    def on_post_build(self, config):
        if config.plugins["i18n"].building:
            return  # an inner pass: the outer build writes every edition's index once all are built
        self.search.write(config.site_dir)
        for source in sorted(Path(config.docs_dir, "assets").glob("*.css")):
            target = Path(config.site_dir, "assets", source.name)
            target.write_text(page_weight.lighter_stylesheet(source.read_text(encoding="utf-8")), encoding="utf-8")

    def on_shutdown(self):
        self.notebook_folder.remove()
