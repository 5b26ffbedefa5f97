"""MkDocs hook: put the snippets' code, and what running it printed, into the pages.

Directives a page may use (each fails the build when it names something that does not exist):

- ``{{ run MODULE:SECTION }}`` on a line of its own: the section's code, then its output;
- ``{{ code MODULE:SECTION }}`` on a line of its own: the section's code only;
- ``{{ value MODULE: EXPRESSION | FORMAT }}`` anywhere: a value from the module, formatted,
  for numbers quoted in prose;
- ``{{ standalone }}`` on a line of its own, before a page's first code block: how to run the page's
  code (its ``.py`` and ``.ipynb`` downloads, its notebook page if the nav has one), and the
  collapsed "From earlier pages" block of what the page reuses (see ``engine.standalone``);
- ``{{ repository }}`` anywhere: a sentence saying where the site's repository is (``extra.repository``);
- ``{{ figure MODULE: EXPRESSION | CAPTION }}`` on a line of its own: an SVG figure drawn by
  ``engine.figures`` from the module's own tensors, e.g. ``figures.heatmap(attn_weights, tokens, ...)``.
  Expressions see the module's variables, plus ``figures``, the sentence's ``tokens``, ``runs``
  (every walk-through's namespace, by name), for values that combine several runs, and ``lang``, the
  page's edition ("en", "ja" or "ko"), for values that are words.

Every walk-through runs once per process (``on_pre_build``, again only for edited code) and every
page of both editions reuses that run, and so do the downloads: each page with code is also written
out as ``downloads/PAGE.py`` and ``downloads/PAGE.ipynb``, its blocks in page order with the outputs of
that same run, needing only PyTorch. A notebook the nav lists as ``notebooks/PAGE.ipynb`` is the same
notebook, rendered by mkdocs-jupyter. The words this hook adds to a page (the output's title, the
run-it box, a figure's axis names) follow the page's edition.
"""

import atexit
import hashlib
import html
import importlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

_VALUE = re.compile(r"\{\{ value (?P<module>[\w.]+): (?P<expr>.+?)(?: \| (?P<format>[^}]*?))? \}\}")
_HIGHLIGHT = re.compile(r'(<div class="(?:[\w-]+ )*highlight")')
_REPOSITORY = re.compile(r"\{\{ repository \}\}")
_FIGURE = re.compile(r"^\{\{ figure (?P<module>[\w.]+): (?P<expr>.+?) \| (?P<caption>[^}]+?) \}\}[ \t]*$", re.M)

_walkthroughs = {}
_sources = {}  # module name -> hash of the snippets sources that produced _walkthroughs
_programs = {}  # (edition, page's src_uri) -> the page's standalone.Program, for pages with code
_NOTEBOOK_PREFIX = "attention-notebooks-"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_notebook_folders(folder=None):
    """Remove the notebook folders that builds killed by a signal left behind (``atexit`` runs only on a
    normal exit; the tests stop `mkdocs serve` with one). Each folder is named after its process."""
    for path in Path(folder or tempfile.gettempdir()).glob(f"{_NOTEBOOK_PREFIX}*"):
        pid = path.name.removeprefix(_NOTEBOOK_PREFIX).split("-")[0]
        if not pid.isdigit() or not _alive(int(pid)):  # no digits: named before folders carried a pid
            shutil.rmtree(path, ignore_errors=True)


remove_stale_notebook_folders()
_notebook_dir = Path(tempfile.mkdtemp(prefix=f"{_NOTEBOOK_PREFIX}{os.getpid()}-"))
atexit.register(shutil.rmtree, _notebook_dir, ignore_errors=True)

WORDS = {
    "en": {
        "output": "Output",
        "run_it": '!!! tip "Run this page yourself"\n'
        "    All of this page's code, in page order, as a script or a notebook that needs only PyTorch"
        ' (`pip install torch`): <a href="{py}" download>{name}.py</a> or <a href="{ipynb}" download>'
        "{name}.ipynb</a>, which also opens in Jupyter or Google Colab. Pasted in order into Jupyter or"
        " IPython, the blocks print what the page shows. [Run it yourself](run-it-yourself.md) has the details.",
        "notebook_page": " You can also [read it as a notebook](notebooks/{name}.ipynb).",
        "notebook_downloads": 'Download this notebook, <a href="{name}.ipynb" download>{name}.ipynb</a>, or the same'
        ' code as a script, <a href="{py}" download>{name}.py</a>. Both need only PyTorch.',
        "repository": (
            "This build of the site does not name the repository it was built from, so there is no link to"
            " it here; the downloads on each page with code hold all of that page's code.",
            "The site's own repository, with the build and the tests, is at <{url}>.",
        ),
        "earlier": '??? note "From earlier pages"\n'
        "    What this page reuses from the pages before it: {names}. Run this block first; it is made from"
        " the same single definition that those pages show.",
    },
    "ja": {
        "output": "出力",
        "run_it": '!!! tip "このページを自分で動かす"\n'
        "    このページのコードを、ページの順に1つにまとめたスクリプトとノートブックです。必要なのはPyTorchだけです"
        '（`pip install torch`）：<a href="{py}" download>{name}.py</a>、<a href="{ipynb}" download>{name}.ipynb</a>'
        "（JupyterやGoogle Colabでも開けます）。ブロックを順にJupyterやIPythonへ貼り付けても、"
        "ページと同じ出力になります。"
        "詳しくは[自分で動かす](run-it-yourself.md)を見てください。",
        "notebook_page": "[ノートブックとして読む](notebooks/{name}.ipynb)こともできます。",
        "notebook_downloads": 'このノートブック（<a href="{name}.ipynb" download>{name}.ipynb</a>）と、同じコードの'
        'スクリプト（<a href="{py}" download>{name}.py</a>）をダウンロードできます。どちらもPyTorchだけで動きます。',
        "repository": (
            "このビルドには元になったリポジトリのアドレスが設定されていないため、ここにはリンクがありません。"
            "コードのある各ページのダウンロードに、そのページのコードがすべて入っています。",
            "ビルドとテストも含めた、このサイトのリポジトリは<{url}>にあります。",
        ),
        "earlier": '??? note "前のページから"\n'
        "    このページが前のページから使うもの：{names}。このブロックを最初に実行してください。"
        "前のページが示すのと同じ、ただ1つの定義から作られています。",
    },
    "ko": {
        "output": "출력",
        "run_it": '!!! tip "이 페이지를 직접 실행하기"\n'
        '    이 페이지의 코드를 페이지 순서대로 모두 담은 스크립트 <a href="{py}" download>{name}.py</a>와'
        ' 노트북 <a href="{ipynb}" download>{name}.ipynb</a>입니다(노트북은 Jupyter나 Google Colab에서도 열립니다).'
        " 필요한 것은 PyTorch뿐입니다(`pip install torch`). 블록을 순서대로 Jupyter나 IPython에 붙여 넣어도"
        " 페이지와 같은 출력이 나옵니다. 자세한 내용은 [직접 실행하기](run-it-yourself.md)를 보세요.",
        "notebook_page": " [노트북으로 읽을](notebooks/{name}.ipynb) 수도 있습니다.",
        "notebook_downloads": '이 노트북(<a href="{name}.ipynb" download>{name}.ipynb</a>)을 내려받거나, 같은 코드를'
        ' 담은 스크립트(<a href="{py}" download>{name}.py</a>)를 내려받을 수 있습니다. 둘 다 PyTorch만 있으면 됩니다.',
        "repository": (
            "이 빌드에는 원본 저장소의 주소가 설정되어 있지 않아 여기에는 링크가 없습니다."
            " 코드가 있는 각 페이지의 내려받기 파일에 그 페이지의 코드가 모두 들어 있습니다.",
            "빌드와 테스트를 포함한 이 길잡이의 저장소는 <{url}>에 있습니다.",
        ),
        "earlier": '??? note "앞 페이지에서"\n'
        "    이 페이지가 앞 페이지에서 가져다 쓰는 것: {names}. 이 블록을 먼저 실행하세요."
        " 이 블록의 코드는 앞 페이지에 실린 정의를 그대로 가져온 것입니다.",
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
    return {
        ".".join(path.relative_to(package).with_suffix("").parts): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(package.rglob("*.py"))
    }


def on_pre_build(config):
    # Each edition's pass of a build comes here; only the first pass of a process runs anything.
    _refresh_runs()


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
    from engine import catalog, runner, standalone

    if not _sources or any(name.endswith("__init__") for name in changed):
        stale = set(sources)
    else:
        stale = {name for name in sources if runner.dependencies(name) & changed}
    for name in stale:
        sys.modules.pop(f"snippets.{name}", None)
        parent, _, leaf = f"snippets.{name}".rpartition(".")
        package = sys.modules.get(parent)
        if package is not None and leaf in vars(package):  # else `from snippets.x import leaf` finds the old one
            delattr(package, leaf)

    standalone.forget()
    _sources.clear()
    for name in catalog.WALKTHROUGHS:
        if name in stale or name not in _walkthroughs:
            try:
                _walkthroughs[name] = runner.run(name)
            except runner.SectionFailed as error:
                raise PluginError(str(error)) from error
            except Exception as error:
                raise PluginError(f"running snippets.{name} failed: {error!r}") from error
    _sources.update(sources)


def _prefix(lang):
    """Where an edition lives, relative to the site's root."""
    return "" if lang == "en" else f"{lang}/"


def _slug(file):
    """A page's name in its downloads: ``simple-self-attention`` for simple-self-attention(.ja).md."""
    return file.src_uri.removesuffix(".md").split(".")[0]


def _nav_notebooks(nav):
    """The pages whose notebook the nav lists as ``notebooks/PAGE.ipynb``, to be rendered as pages."""
    found = set()
    for entry in nav or []:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            if isinstance(value, list):
                found |= _nav_notebooks(value)
            elif isinstance(value, str) and value.startswith("notebooks/") and value.endswith(".ipynb"):
                found.add(value.removeprefix("notebooks/").removesuffix(".ipynb"))
    return found


# After the i18n plugin has sorted the pages into editions: it drops files from outside docs/. So each
# page's downloads are added here, and its notebook handed to mkdocs-jupyter, placed in the edition's folder.
@event_priority(-110)
def on_files(files, config):
    from engine import notebooks, standalone, words

    lang = _language(config)
    prefix = _prefix(lang)
    outputs = {name: walkthrough.output for name, walkthrough in _walkthroughs.items()}
    rendered = _nav_notebooks(config.nav)
    made_with = words.machine_sentence(lang)
    folder = _notebook_dir / lang / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    for page in files.documentation_pages():
        try:
            program = standalone.program(page.content_string, page.src_uri, outputs)
        except standalone.StandaloneError as error:
            raise PluginError(str(error)) from error
        if not program.blocks:
            continue
        _programs[(lang, page.src_uri)] = program
        name = _slug(page)
        notebook = notebooks.dumps(notebooks.notebook(program, f"{name}.ipynb", made_with, lang))
        script = standalone.script(program, f"{name}.py", made_with, lang)
        files.append(File.generated(config, f"{prefix}downloads/{name}.py", content=script))
        files.append(File.generated(config, f"{prefix}downloads/{name}.ipynb", content=notebook))
        if name in rendered:
            path = folder / f"{name}.ipynb"
            if not path.exists() or path.read_text(encoding="utf-8") != notebook:  # else mkdocs-jupyter's cache holds
                path.write_text(notebook, encoding="utf-8")
    missing = rendered - {_slug(page) for page in files.documentation_pages() if (lang, page.src_uri) in _programs}
    if missing:
        raise PluginError(f"the nav lists notebooks of pages that have no code: {sorted(missing)}")
    pages = Files(
        [File(f"notebooks/{name}.ipynb", str(folder.parent), config.site_dir, config.use_directory_urls)
         for name in sorted(rendered)]
    )
    for file in config.plugins["mkdocs-jupyter"].on_files(pages, config):
        file.dest_path = prefix + file.dest_path
        file.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, file.dest_path))
        file.url = prefix + file.url
        files.append(file)
    return files


def _fence(lines, indent, language, title):
    body = "\n".join(indent + line if line else "" for line in lines.splitlines())
    return f'{indent}```{language} title="{title}"\n{body}\n{indent}```'


def _block(match, page, lang):
    from engine import runner

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
    parts = [_fence(code[section], indent, "python", f"snippets/{module.replace('.', '/')}.py")]
    output = _walkthroughs[module].output[section] if module in _walkthroughs else ""
    if kind == "run" and not output:
        raise PluginError(f"{where}: the section prints nothing; use 'code' instead of 'run'")
    if kind == "code" and output:
        raise PluginError(f"{where}: the section prints output; use 'run' so the page shows it")
    if output:
        parts.append(_fence(output.rstrip("\n"), indent, "text", WORDS[lang]["output"]))
    return "\n\n".join(parts)


def _standalone(page, files, config, lang):
    """The run-it box of a page with code, and its "From earlier pages" block when it reuses anything."""
    from engine import standalone

    program = _programs[(lang, page.file.src_uri)]
    name = _slug(page.file)
    links = {
        kind: get_relative_url(files.get_file_from_path(f"{_prefix(lang)}downloads/{name}.{kind}").url, page.url)
        for kind in ("py", "ipynb")
    }
    text = WORDS[lang]["run_it"].format(name=name, **links)
    if name in _nav_notebooks(config.nav):
        text += WORDS[lang]["notebook_page"].format(name=name)
    if program.earlier:
        names = ", ".join(f"`{name}`" for name in standalone.defined_names(program.earlier))
        title = WORDS[lang]["earlier"].split('"')[1]
        text += "\n\n" + WORDS[lang]["earlier"].format(names=names)
        text += "\n\n" + _fence(program.earlier, "    ", "python", title)
    # The same words on every page with code, and code: out of the search index, which every page loads.
    return f"<section markdown data-search-exclude>\n\n{text}\n\n</section>"


def _evaluate(module, expr, where, lang="en"):
    """Evaluate ``expr`` in the namespace of a walk-through's run (or of a plain snippets module),
    with ``figures`` drawing in the language ``lang``."""
    from engine import explorer, figures, performance, words
    from snippets import sentence

    if module in _walkthroughs:
        namespace = _walkthroughs[module].namespace
    else:
        namespace = vars(importlib.import_module(f"snippets.{module}"))
    try:
        runs = {name: walkthrough.namespace for name, walkthrough in _walkthroughs.items()}
        drawing = figures.in_language(lang)
        context = {"figures": drawing, "words": words, "explorer": explorer, "lang": lang, "tokens": sentence.tokens,
                   "runs": runs, "performance": performance}
        return eval(expr, {**context, **namespace})
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
    # The drawing's text alternative lists its values for screen readers; search keeps only the caption.
    svg = svg.replace("<svg", "<svg data-search-exclude", 1)
    return (
        f'<figure class="diagram" data-source="{html.escape(source)}">\n{svg}\n'
        f"<figcaption>{html.escape(caption)}</figcaption>\n</figure>"
    )


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
        content = content.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')
        lang = _language(config)
        name = page.file.src_uri.removeprefix("notebooks/").removesuffix(".ipynb")
        script = files.get_file_from_path(f"{_prefix(lang)}downloads/{name}.py")
        downloads = WORDS[lang]["notebook_downloads"].format(name=name, py=get_relative_url(script.url, page.url))
        return f"<p>{downloads}</p>\n{content}"
    # Code blocks stay out of the search index, which every page loads: they are the same in every
    # edition, and a third of the index. Names in the prose (inline code) are still found.
    return _HIGHLIGHT.sub(r"\1 data-search-exclude", content)


def repository(config, lang):
    """Where the site's repository is, in a sentence in ``lang``: a link when ``extra.repository`` names
    it (the hosted workflow sets it), otherwise how to get the code without it."""
    url = (config.extra or {}).get("repository") or ""
    if url and not re.fullmatch(r"https?://\S+", url):
        raise PluginError(f"extra.repository (SITE_REPOSITORY) should be the repository's web address, not {url!r}")
    without, linked = WORDS[lang]["repository"]
    return linked.format(url=url) if url else without


def on_page_markdown(markdown, page, config, files):
    from engine.standalone import BLOCK, STANDALONE

    lang = _language(config)
    markdown = _REPOSITORY.sub(lambda match: repository(config, lang), markdown)
    leftover = re.search(r"\{\{.*", STANDALONE.sub("", _FIGURE.sub("", _VALUE.sub("", BLOCK.sub("", markdown)))))
    if leftover:
        raise PluginError(f"{page.file.src_uri}: malformed directive {leftover.group(0)!r}")
    first_block, box = BLOCK.search(markdown), STANDALONE.search(markdown)
    if first_block and (box is None or box.start() > first_block.start()):
        raise PluginError(
            f"{page.file.src_uri}: a page with code needs {{{{ standalone }}}} before its first block, so that "
            "readers can run it: it brings the downloads and what the page reuses"
        )
    if box and not first_block:
        raise PluginError(f"{page.file.src_uri}: {{{{ standalone }}}} on a page with no code")
    markdown = BLOCK.sub(lambda match: _block(match, page, lang), markdown)
    markdown = _FIGURE.sub(lambda match: _figure(match, page, lang), markdown)
    markdown = STANDALONE.sub(lambda match: _standalone(page, files, config, lang), markdown)
    return _VALUE.sub(lambda match: _value(match, page, lang), markdown)
