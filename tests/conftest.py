"""Shared fixtures: each walk-through runs once per test session, the site is built once, and one
browser (Debian's Chromium, driven by Playwright) serves every browser test."""

import functools
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from site_tools import REPO, build_command, copy_site, start_serve, stop

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


_build = {}  # the site build started in the background: process, folder, log
_serve = {}  # `mkdocs serve` started in the background on a copy of the site: process, folder, url


def _needs_site(item):
    return "built_site" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(session, config, items):
    """The tests that need the built site run last, so that its build overlaps all the others."""
    items.sort(key=_needs_site)  # a stable sort: the order is otherwise unchanged


def pytest_collection_finish(session):
    """Start the site build and the `mkdocs serve` test's server as soon as the tests are known, each
    in a process of its own: the tests that run before the first one that needs them keep working
    meanwhile (this machine has two cores)."""
    if any("served_copy" in getattr(item, "fixturenames", ()) for item in session.items):
        _start_serve()
    if not os.environ.get("BUILT_SITE") and any(_needs_site(item) for item in session.items):
        _start_build()


def _start_serve():
    folder = Path(tempfile.mkdtemp(prefix="attention-serve-"))
    copy_site(folder)
    process, url = start_serve(folder)
    _serve.update(process=process, folder=folder, url=url)


def _start_build():
    folder = Path(tempfile.mkdtemp(prefix="attention-site-"))
    log = (folder / "build.log").open("w")
    process = subprocess.Popen(
        build_command(folder / "site"),
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    _build.update(process=process, folder=folder, log=log)


def pytest_sessionfinish(session):
    if _serve:
        stop(_serve["process"])
        shutil.rmtree(_serve["folder"], ignore_errors=True)
    if _build:
        _build["process"].kill()
        _build["process"].wait()
        _build["log"].close()
        shutil.rmtree(_build["folder"], ignore_errors=True)


@pytest.fixture(scope="session")
def built_site():
    """The site built with `mkdocs build --strict` (started when collection finished) into a temporary folder.

    tests/benchmark_site.py times the browser tests alone by pointing BUILT_SITE at the site it
    has just built; nothing else sets it.
    """
    if os.environ.get("BUILT_SITE"):
        return Path(os.environ["BUILT_SITE"])
    if not _build:  # asked for by a test that collection did not see coming
        _start_build()
    returncode = _build["process"].wait(timeout=300)
    _build["log"].flush()
    output = (_build["folder"] / "build.log").read_text(encoding="utf-8")
    assert returncode == 0, f"mkdocs build --strict failed:\n{output}"
    return _build["folder"] / "site"


@pytest.fixture(scope="session")
def served_copy():
    """A copy of the site under `mkdocs serve` (started when collection finished): its folder and URL."""
    if not _serve:  # asked for by a test that collection did not see coming
        _start_serve()
    return _serve["folder"], _serve["url"]


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
