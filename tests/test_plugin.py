"""The house: reader code apart from the engine, one catalog, one plugin, clear failures, no leftovers."""

import ast
import importlib.metadata
import subprocess

import pytest
from conftest import REPO
from site_tools import build_command, copy_site, environment, mkdocs_yml

import snippets.__main__ as listing
from engine import caches, catalog, notebooks
from engine.plugin import CompanionPlugin

SNIPPETS = REPO / "snippets"


def test_reader_code_imports_nothing_from_the_engine():
    found = []
    for path in sorted(SNIPPETS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.relative_to(REPO)}:{node.lineno} imports {name}"
                      for name in names if name == "engine" or name.startswith("engine.")]
    assert not found, "\n".join(found)


def test_the_catalog_lists_every_walkthrough_in_the_reader_codes_folders_and_nothing_else():
    on_disk = set(listing.examples())
    assert set(catalog.WALKTHROUGHS) == on_disk, (
        f"in snippets/ but not in engine/catalog.py: {sorted(on_disk - set(catalog.WALKTHROUGHS))}; "
        f"in the catalog but not in snippets/: {sorted(set(catalog.WALKTHROUGHS) - on_disk)}"
    )
    assert len(catalog.WALKTHROUGHS) == len(set(catalog.WALKTHROUGHS)), "a walk-through is listed twice"


def test_every_page_is_in_the_catalog_with_a_title_in_every_edition():
    pages = {path.name for path in (REPO / "docs").glob("*.md") if path.name.count(".") == 1}
    assert {page.source for page in catalog.PAGES} == pages
    for page in catalog.PAGES:
        assert set(page.titles) == set(catalog.LANGUAGES), page.source
        for lang in catalog.LANGUAGES[1:]:
            assert (REPO / "docs" / page.source.replace(".md", f".{lang}.md")).exists(), (page.source, lang)


def test_the_nav_is_the_catalogs_pages_then_its_notebooks():
    nav = catalog.nav()
    assert [next(iter(entry.values())) for entry in nav[:-1]] == [page.source for page in catalog.PAGES]
    (notebooks_section,) = nav[-1].values()
    assert [next(iter(entry.values())) for entry in notebooks_section] == [
        f"notebooks/{page.name}.ipynb" for page in catalog.NOTEBOOK_PAGES
    ]
    assert catalog.nav_translations("ja")["The dark room"] == "暗い部屋"


def test_mkdocs_yml_has_no_hooks_and_runs_the_engine_as_one_plugin_registered_by_entry_point():
    config = mkdocs_yml()
    assert "hooks" not in config and "nav" not in config
    names = [next(iter(plugin)) if isinstance(plugin, dict) else plugin for plugin in config["plugins"]]
    assert names.count("attention-companion") == 1 and names[-1] == "attention-companion", names
    (entry,) = [point for point in importlib.metadata.entry_points(group="mkdocs.plugins")
                if point.name == "attention-companion"]
    assert entry.load() is CompanionPlugin


def test_the_plugin_removes_its_notebook_folder_when_the_build_ends():
    plugin = CompanionPlugin()
    folder = plugin.notebook_folder.path
    assert folder.is_dir() and folder.name.startswith(notebooks.FOLDER_PREFIX)
    plugin.on_shutdown()
    assert not folder.exists()


def test_the_caches_forget_the_least_recently_used_beyond_their_size():
    kept = caches.Bounded(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get_fresh("a") == 1  # "a" is now the most recently used
    kept.put("c", 3)
    assert list(kept) == ["a", "c"] and kept.get_fresh("b") is None


@pytest.mark.site
def test_a_build_leaves_no_temporary_folder(built_site):
    left = sorted(path.name for path in (built_site.parent / "tmp").iterdir())
    assert left == [], f"the build left these in its TMPDIR: {left}"


@pytest.mark.site
def test_a_snippet_that_raises_fails_the_build_naming_the_module_the_section_and_the_line(tmp_path):
    copy_site(tmp_path)
    module = tmp_path / "snippets" / "chapter" / "simple_attention.py"
    source = module.read_text(encoding="utf-8")
    marker = "# --8<-- [start:dot_product]\n"
    line = source[: source.index(marker)].count("\n") + 2  # the first line inside the section
    module.write_text(source.replace(marker, marker + "raise IndexError('index 6 is out of bounds')\n"), "utf-8")
    result = subprocess.run(build_command(tmp_path / "site"), cwd=tmp_path, env=environment(tmp_path),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    expected = (f"snippets.chapter.simple_attention, section dot_product, line {line} "
                f"(simple_attention.py:{line}) raised IndexError('index 6 is out of bounds')")
    assert expected in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, "the build printed a traceback instead of the message alone"


def test_the_readmes_map_names_every_engine_module_and_every_folder_and_module_of_reader_code():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tree = readme[readme.index("## How it fits together"):].split("```")[1]
    expected = [f"{path.name}" for path in sorted((REPO / "engine").glob("*.py")) if path.stem != "__init__"]
    expected += [path.name for path in sorted(SNIPPETS.glob("*.py")) if not path.stem.startswith("__")]
    expected += [f"{path.name}/" for path in sorted(SNIPPETS.iterdir()) if (path / "__init__.py").exists()]
    assert [name for name in expected if name not in tree] == []
