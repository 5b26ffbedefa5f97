"""Shared fixtures: each walk-through runs once per test session, the site is built once, and one
browser (Debian's Chromium, driven by Playwright) serves every browser test."""

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from site_tools import REPO

from snippets import runner

PAGE_REPORT = []  # (page, requests, raw bytes, gzipped bytes), filled by the browser tests


def pytest_terminal_summary(terminalreporter):
    if not PAGE_REPORT:
        return
    terminalreporter.section("page weight (as a static host sends it: text gzipped)")
    terminalreporter.write_line(f"{'page':<32} {'requests':>8} {'raw KB':>8} {'gzip KB':>8}")
    for page, requests, raw, zipped in PAGE_REPORT:
        terminalreporter.write_line(f"{page:<32} {requests:>8} {raw / 1024:>8.1f} {zipped / 1024:>8.1f}")


@pytest.fixture(scope="session")
def walkthroughs():
    """Every walk-through, run once: name -> runner.Walkthrough."""
    return {name: runner.run(name) for name in runner.WALKTHROUGHS}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The site built with `mkdocs build --strict` into a temporary folder.

    tests/benchmark_site.py times the browser tests alone by pointing BUILT_SITE at the site it
    has just built; nothing else sets it.
    """
    if os.environ.get("BUILT_SITE"):
        return Path(os.environ["BUILT_SITE"])
    site = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return site


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


def _unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(f"{reason}; install Debian's Chromium (apt-get install chromium) to run the browser tests")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -r requirements.txt)")
    if not CHROMIUM.exists():
        _unavailable(f"no browser at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server(built_site):
    """The built site on a local port, as a static host would serve it; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass
