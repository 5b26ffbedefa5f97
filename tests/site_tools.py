"""Helpers shared by the site tests and tests/benchmark_site.py: a temporary copy of the site under
`mkdocs serve`, the built site on a local port, the bytes a static host sends for each file, the
built pages parsed once, and where the browser is."""

import contextlib
import functools
import gzip
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from editions import PREFIXES

REPO = Path(__file__).resolve().parent.parent
# Debian's Chromium; CHROMIUM_PATH points elsewhere only where Debian's package is not available
# (the hosted workflow uses the Chrome that GitHub's runners come with).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE_BUDGET_KB = 150  # a chapter page, gzipped as a static host sends it
# Japanese and Korean text compresses less than English (three bytes a character in UTF-8).
CJK_PAGE_BUDGET_KB = 160


def edition_of(page: str) -> tuple[str, str]:
    """A page of the built site, by its path, as (its edition's prefix, its path in the edition):
    ``ko/dark-room/`` is ("ko/", "dark-room/"), ``dark-room/`` is ("", "dark-room/")."""
    edition = next((prefix for prefix in PREFIXES if prefix and page.startswith(prefix)), "")
    return edition, page.removeprefix(edition)


def page_budget_kb(page: str) -> int:
    """The weight budget of a page of the built site, notebook pages included, by its path (``ja/...``
    and ``ko/...`` are the Japanese and Korean editions)."""
    return CJK_PAGE_BUDGET_KB if edition_of(page)[0] else PAGE_BUDGET_KB
TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}  # what hosts gzip


def sent_bytes(path: Path) -> int:
    """The bytes a static host sends for ``path``: gzipped for text, as they are otherwise."""
    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if path.suffix in TEXT_SUFFIXES else len(data)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's tags (``!ENV``) as nothing: the tests read its plain settings."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def mkdocs_yml() -> dict:
    """The site's configuration, as written in mkdocs.yml."""
    return yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), _ConfigLoader)


def pages_with_code() -> list[str]:
    """The English pages (by name) that have code: each has a {{ standalone }} box, which the build
    requires before a page's first block."""
    return sorted(
        path.stem for path in (REPO / "docs").glob("*.md")
        if "." not in path.stem and "{{ standalone }}" in path.read_text(encoding="utf-8")
    )


@functools.cache
def page_soup(path: Path) -> BeautifulSoup:
    """A page of the built site, parsed once per test session: the site tests only read it, and a
    parse of every page costs seconds."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def build_command(site: Path, *options: str) -> list[str]:
    """`mkdocs build --strict` into ``site``, as the tests and the benchmark run it."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", *options, "--site-dir", str(site)]


def copy_site(into: Path) -> None:
    """What a build needs: the configuration, the pages, the reader code and the engine."""
    for item in ("mkdocs.yml", "docs", "snippets", "engine"):
        source = REPO / item
        (shutil.copytree if source.is_dir() else shutil.copy)(source, into / item)


def environment(copy: Path) -> dict:
    """Run with the copy's snippets package first on the path, so edits to the copy take effect."""
    return {**os.environ, "PYTHONPATH": str(copy), "NO_MKDOCS_2_WARNING": "1"}


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, text: str, limit: float) -> float:
    """Seconds until ``url`` serves a page containing ``text``; TimeoutError after ``limit`` seconds."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{url} never showed {text!r} within {limit:g} s")


def start_serve(copy: Path) -> tuple[subprocess.Popen, str]:
    """Start `mkdocs serve` on a free local port for the site copied into ``copy``: the process, its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=copy, env=environment(copy), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return server, f"http://127.0.0.1:{port}/"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


@contextlib.contextmanager
def mkdocs_serve(copy: Path):
    """`mkdocs serve` for the site copied into ``copy``, stopped afterwards; yields its base URL."""
    server, url = start_serve(copy)
    try:
        yield url
    finally:
        stop(server)


@contextlib.contextmanager
def static_server(folder: Path):
    """``folder`` on a free local port, as a static host would serve it; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def loaded(tab, url: str, ready: str, what: str):
    """``url`` freshly loaded in ``tab``, once the element ``ready`` selects is there (its script has set
    it up); the test fails if a script on the page raised meanwhile, naming ``what`` raised."""
    errors = []

    def record(error):
        errors.append(str(error))

    tab.on("pageerror", record)
    tab.goto(url, wait_until="load")
    tab.wait_for_selector(ready)
    yield tab
    tab.remove_listener("pageerror", record)
    assert not errors, f"{what} raised: {errors}"


def output_titles() -> tuple[str, ...]:
    """The title of an output block, in each edition's words (engine/words.py)."""
    from engine.words import PAGE

    return tuple(words["output"] for words in PAGE.values())


def reader_blocks(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """A built page's Python blocks in page order, each with the output the page shows under it ("" for
    none): what a reader pastes, and what they should see."""
    blocks = []
    for block in soup.select("article div.highlight"):
        title = block.select_one(".filename")
        text = block.select_one("code").get_text()
        if "language-python" in block["class"]:
            blocks.append([text, ""])
        elif blocks and title and title.get_text() in output_titles() and _follows(block, blocks):
            blocks[-1][1] = text
    return [tuple(block) for block in blocks]


def _follows(output, blocks) -> bool:
    """Whether an output block comes right after the last Python block (no other block between)."""
    previous = output.find_previous("div", class_="highlight")
    return previous is not None and "language-python" in previous["class"] and not blocks[-1][1]
