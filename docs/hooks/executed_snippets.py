"""MkDocs hook: put the snippets' code, and what running it printed, into the pages.

Directives a page may use (each fails the build when it names something that does not exist):

- ``{{ run MODULE:SECTION }}`` on a line of its own: the section's code, then its output;
- ``{{ code MODULE:SECTION }}`` on a line of its own: the section's code only;
- ``{{ value MODULE: EXPRESSION | FORMAT }}`` anywhere: a value from the module, formatted,
  for numbers quoted in prose;
- ``{{ notebook MODULE }}`` on a line of its own: links to the page's notebook and its download;
- ``{{ figure MODULE: EXPRESSION | CAPTION }}`` on a line of its own: an SVG figure drawn by
  ``snippets.figures`` from the module's own tensors, e.g. ``figures.heatmap(attn_weights, tokens, ...)``.
  Expressions see the module's variables, plus ``figures``, the sentence's ``tokens``, ``runs``
  (every walk-through's namespace, by name), for values that combine several runs, and ``lang``, the
  page's edition ("en" or "ja"), for values that are words.

Every walk-through runs once per process (``on_pre_build``, again only for edited code) and every
page of both editions reuses that run, and so do the notebooks: each chapter walk-through is also
written out as ``notebooks/NAME.ipynb``, with the outputs of that same run and an introduction in
the edition's language, for mkdocs-jupyter to render and offer for download. The words this hook adds
to a page (the output's title, the notebook tip, a figure's axis names) follow the page's edition.
"""

import hashlib
import html
import importlib
import importlib.util
import os
import re
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)\{\{ (?P<kind>run|code) (?P<module>\w+):(?P<section>\w+) \}\}[ \t]*$", re.M
)
_VALUE = re.compile(r"\{\{ value (?P<module>\w+): (?P<expr>.+?)(?: \| (?P<format>[^}]*?))? \}\}")
_NOTEBOOK = re.compile(r"^\{\{ notebook (?P<module>\w+) \}\}[ \t]*$", re.M)
_FIGURE = re.compile(r"^\{\{ figure (?P<module>\w+): (?P<expr>.+?) \| (?P<caption>[^}]+?) \}\}[ \t]*$", re.M)

_walkthroughs = {}
_sources = {}  # module name -> hash of the snippets sources that produced _walkthroughs
_notebook_dir = Path(tempfile.mkdtemp(prefix="attention-notebooks-"))

# The walk-throughs that readers also get as notebooks, with their Japanese titles (the English
# title is the first line of the module's docstring).
NOTEBOOKS = {
    "simple_attention": "3.3 重みのないセルフアテンション",
    "trainable_attention": "3.4 学習可能な重みを持つセルフアテンション",
    "causal_attention": "3.5 因果的アテンション",
    "multihead_attention": "3.6 マルチヘッドアテンション",
    "dark_room": "暗い部屋：マスクはなぜあるのか",
    "exercises": "演習",
}
WORDS = {
    "en": {
        "output": "Output",
        "notebook": '!!! tip "Prefer Jupyter?"\n'
        "    This page's code is also a notebook, with the same outputs: [read it here](notebooks/{name}.ipynb)"
        ' or <a href="{download}" download>download {name}.ipynb</a>.',
    },
    "ja": {
        "output": "出力",
        "notebook": '!!! tip "Jupyterで動かしたい方へ"\n'
        "    このページのコードは、同じ出力つきのノートブックにもなっています。"
        '[ノートブックで読む](notebooks/{name}.ipynb)か、<a href="{download}" download>{name}.ipynb をダウンロード</a>'
        "してください。",
    },
}
# Script tags nbconvert's template always adds for MathJax (from a CDN, or src="" when the URL is
# set empty) and Mermaid (from a CDN). The notebooks hold neither math nor diagrams, so their pages
# drop them and stay offline.
_CDN_SCRIPTS = re.compile(
    r'<script src="(?:https?://[^"]*)?">\s*</script>'
    r'|<script type="text/x-mathjax-config">.*?</script>'
    r'|<script type="module">(?:(?!</script>).)*?https?://(?:(?!</script>).)*</script>',
    re.S,
)


def _source_hashes():
    """Module name -> hash of its source, for every file of the snippets package."""
    package = Path(importlib.util.find_spec("snippets").submodule_search_locations[0])
    return {path.stem: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(package.glob("*.py"))}


def on_pre_build(config):
    # Each edition's pass of a build comes here; only the first pass of a process runs anything.
    # Each edition gets its own notebooks: the same cells and outputs, introduced in its language.
    _refresh_runs()
    from snippets import machine, notebooks, runner

    lang = _language(config)
    folder = _notebook_dir / lang / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    for name, japanese_title in NOTEBOOKS.items():
        title = japanese_title if lang == "ja" else runner.summary(name)
        text = notebooks.dumps(notebooks.notebook(_walkthroughs[name], title, machine.describe(lang), lang))
        path = folder / f"{name}.ipynb"
        if not path.exists() or path.read_text(encoding="utf-8") != text:  # unchanged: mkdocs-jupyter's cache holds
            path.write_text(text, encoding="utf-8")


def _language(config):
    """The edition being built: the i18n plugin sets the theme's language for each."""
    return config.theme["language"]


def _refresh_runs():
    """Run the walk-throughs whose code changed since the last run of this process.

    A new process runs everything. Under `mkdocs serve`, a rebuild after a prose edit reuses the
    last run; after a snippet edit, the edited modules and every module that imports them are
    forgotten, and only the walk-throughs that depend on them run again.
    """
    sources = _source_hashes()
    changed = {name for name in sources.keys() | _sources.keys() if sources.get(name) != _sources.get(name)}
    if not changed:
        return
    if not _sources or changed & {"__init__", "runner"}:  # the first build, or the machinery itself changed
        stale = set(sources)
    else:
        from snippets import runner

        stale = {name for name in sources if runner.dependencies(name) & changed}
    package = sys.modules.get("snippets")
    for name in stale:
        sys.modules.pop(f"snippets.{name}", None)
        if package is not None and name in vars(package):  # else `from snippets import name` finds the old one
            delattr(package, name)
    from snippets import runner

    _sources.clear()
    for name in runner.WALKTHROUGHS:
        if name in stale or name not in _walkthroughs:
            try:
                _walkthroughs[name] = runner.run(name)
            except Exception as error:
                raise PluginError(f"running snippets.{name} failed: {error!r}") from error
    _sources.update(sources)


# After the i18n plugin has sorted the pages into editions: it drops files from outside docs/. So the
# notebooks are handed to mkdocs-jupyter here, which makes pages of them, placed in the edition's folder.
@event_priority(-110)
def on_files(files, config):
    lang = _language(config)
    prefix = "" if lang == "en" else f"{lang}/"
    folder = str(_notebook_dir / lang)
    notebooks = Files(
        [File(f"notebooks/{name}.ipynb", folder, config.site_dir, config.use_directory_urls) for name in NOTEBOOKS]
    )
    for file in config.plugins["mkdocs-jupyter"].on_files(notebooks, config):
        file.dest_path = prefix + file.dest_path
        file.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, file.dest_path))
        file.url = prefix + file.url
        files.append(file)
    return files


def _fence(lines, indent, language, title):
    body = "\n".join(indent + line if line else "" for line in lines.splitlines())
    return f'{indent}```{language} title="{title}"\n{body}\n{indent}```'


def _block(match, page, lang):
    from snippets import runner

    indent, kind, module, section = match.group("indent", "kind", "module", "section")
    where = f"{page.file.src_uri}: {match.group(0).strip()}"
    if module in _walkthroughs:
        code = _walkthroughs[module].code
    else:
        try:
            code = runner.sections(module)
        except runner.SectionError as error:
            raise PluginError(f"{where}: {error}") from error
    if section not in code:
        raise PluginError(f"{where}: snippets.{module} has no section {section!r}; it has {sorted(code)}")
    parts = [_fence(code[section], indent, "python", f"snippets/{module}.py")]
    output = _walkthroughs[module].output[section] if module in _walkthroughs else ""
    if kind == "run" and not output:
        raise PluginError(f"{where}: the section prints nothing; use 'code' instead of 'run'")
    if kind == "code" and output:
        raise PluginError(f"{where}: the section prints output; use 'run' so the page shows it")
    if output:
        parts.append(_fence(output.rstrip("\n"), indent, "text", WORDS[lang]["output"]))
    return "\n\n".join(parts)


def _evaluate(module, expr, where, lang="en"):
    """Evaluate ``expr`` in the namespace of a walk-through's run (or of a plain snippets module),
    with ``figures`` drawing in the language ``lang``."""
    from snippets import figures, sentence

    if module in _walkthroughs:
        namespace = _walkthroughs[module].namespace
    else:
        namespace = vars(importlib.import_module(f"snippets.{module}"))
    try:
        runs = {name: walkthrough.namespace for name, walkthrough in _walkthroughs.items()}
        drawing = figures.in_language(lang)
        return eval(expr, {"figures": drawing, "lang": lang, "tokens": sentence.tokens, "runs": runs, **namespace})
    except Exception as error:
        raise PluginError(f"{where}: {error!r}") from error


def _value(match, page, lang):
    module, expr, spec = match.group("module", "expr", "format")
    value = _evaluate(module, expr, f"{page.file.src_uri}: {match.group(0)}", lang)
    if hasattr(value, "item") and getattr(value, "numel", lambda: 0)() == 1:
        value = value.item()
    return format(value, spec or "")


def _figure(match, page, lang):
    module, expr, caption = match.group("module", "expr", "caption")
    svg = _evaluate(module, expr, f"{page.file.src_uri}: {match.group(0)}", lang)
    source = f"{module}: {expr}"
    return (
        f'<figure class="diagram" data-source="{html.escape(source)}">\n{svg}\n'
        f"<figcaption>{html.escape(caption)}</figcaption>\n</figure>"
    )


def _notebook(match, page, files, lang):
    name = match.group("module")
    if name not in NOTEBOOKS:
        raise PluginError(f"{page.file.src_uri}: {match.group(0)}: no notebook for {name}; see NOTEBOOKS")
    download = get_relative_url(files.get_file_from_path(f"notebooks/{name}.ipynb").url + f"{name}.ipynb", page.url)
    return WORDS[lang]["notebook"].format(name=name, download=download)


@event_priority(100)  # before the search plugin indexes the page
def on_page_context(context, page, config, nav):
    # A notebook repeats its chapter page; keep it out of search so results point at the page.
    if page.file.src_uri.startswith("notebooks/"):
        page.meta["search"] = {"exclude": True}
    return context


def on_page_content(content, page, config, files):
    if page.file.src_uri.startswith("notebooks/"):
        # Offline, and code cells that scroll sideways can be reached with the keyboard.
        content = _CDN_SCRIPTS.sub("", content)
        return content.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')
    return content


def on_page_markdown(markdown, page, config, files):
    leftover = re.search(r"\{\{.*", _NOTEBOOK.sub("", _FIGURE.sub("", _VALUE.sub("", _BLOCK.sub("", markdown)))))
    if leftover:
        raise PluginError(f"{page.file.src_uri}: malformed directive {leftover.group(0)!r}")
    lang = _language(config)
    markdown = _BLOCK.sub(lambda match: _block(match, page, lang), markdown)
    markdown = _FIGURE.sub(lambda match: _figure(match, page, lang), markdown)
    markdown = _NOTEBOOK.sub(lambda match: _notebook(match, page, files, lang), markdown)
    return _VALUE.sub(lambda match: _value(match, page, lang), markdown)
