"""Shared fixtures: each walk-through runs once per test session, the site is built once, the browser
gate (tests/browser_gate.py) visits every page in the background once it is built, and one browser
(Debian's Chromium, driven by Playwright) serves the other browser tests."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from site_tools import CHROMIUM, CHROMIUM_FLAGS, REPO, build_command, copy_site, start_serve, static_server, stop

from engine import catalog, runner

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
    return {name: runner.run(name) for name in catalog.WALKTHROUGHS}


_build = {}  # the site build started in the background: process, folder, log
_serve = {}  # `mkdocs serve` started in the background on a copy of the site: process, folder, url
_gate = {}  # the browser gate, started in the background once the site is built: thread, folder, process


def _needs(fixture, item):
    return fixture in getattr(item, "fixturenames", ())


# What a test needs that takes a site build, a server or a browser: `-m "not site"` leaves those tests out
# (the README's fast inner loop).
_SITE_FIXTURES = ("built_site", "served_copy", "server", "browser", "visits")


def pytest_collection_modifyitems(session, config, items):
    """The tests that need the built site run last, so that its build overlaps all the others; the
    tests that read the browser gate's results come last of all, so that the gate works meanwhile.
    Every test that needs a build, a server or a browser is marked `site`."""
    for item in items:
        if any(_needs(fixture, item) for fixture in _SITE_FIXTURES):
            item.add_marker(pytest.mark.site)
    items.sort(key=lambda item: (_needs("built_site", item), _needs("visits", item)))  # stable: order kept


def pytest_collection_finish(session):
    """Start the site build, the `mkdocs serve` test's server and the browser gate as soon as the tests
    are known, each in a process of its own: the tests that run before the first one that needs them
    keep working meanwhile (this machine has two cores)."""
    if any(_needs("served_copy", item) for item in session.items):
        _start_serve()
    if not os.environ.get("BUILT_SITE") and any(_needs("built_site", item) for item in session.items):
        _start_build()
    if any(_needs("visits", item) for item in session.items) and not _browser_problem():
        _start_gate()


def _start_serve():
    folder = Path(tempfile.mkdtemp(prefix="attention-serve-"))
    copy_site(folder)
    process, url = start_serve(folder)
    _serve.update(process=process, folder=folder, url=url)


def _start_build():
    folder = Path(tempfile.mkdtemp(prefix="attention-site-"))
    log = (folder / "build.log").open("w")
    (folder / "tmp").mkdir()  # the build's own temporary folder: tests/test_plugin.py checks it is left empty
    process = subprocess.Popen(
        build_command(folder / "site"),
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(folder / "tmp")},
    )
    _build.update(process=process, folder=folder, log=log)


def _start_gate():
    _gate.update(folder=Path(tempfile.mkdtemp(prefix="attention-gate-")), lock=threading.Lock())
    _gate["thread"] = threading.Thread(target=_run_gate, daemon=True)
    _gate["thread"].start()


def _run_gate():
    """Wait for the site, then visit every page in a process of its own (nothing, if the build failed)."""
    site = _site_when_built()
    if site is None:
        return
    folder = _gate["folder"]
    with _gate["lock"]:
        if _gate.get("stopped"):
            return
        _gate["log"] = (folder / "gate.log").open("w")
        _gate["process"] = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "browser_gate.py"), str(site), str(folder / "results.json")],
            cwd=REPO, stdout=_gate["log"], stderr=subprocess.STDOUT,
        )
    _gate["process"].wait()
    _gate["log"].close()


def _site_when_built():
    """The built site's folder once its build has finished, or None if the build failed."""
    if os.environ.get("BUILT_SITE"):
        return Path(os.environ["BUILT_SITE"])
    return _build["folder"] / "site" if _build["process"].wait(timeout=300) == 0 else None


def pytest_sessionfinish(session):
    if _gate:
        with _gate["lock"]:
            _gate["stopped"] = True
            if "process" in _gate:
                _gate["process"].kill()
        _gate["thread"].join(timeout=30)
        shutil.rmtree(_gate["folder"], ignore_errors=True)
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
    if not os.environ.get("BUILT_SITE") and not _build:  # asked for by a test collection did not foresee
        _start_build()
    site = _site_when_built()
    if site is None:
        _build["log"].flush()
        pytest.fail(f"mkdocs build --strict failed:\n{(_build['folder'] / 'build.log').read_text(encoding='utf-8')}")
    return site


@pytest.fixture(scope="session")
def served_copy():
    """A copy of the site under `mkdocs serve` (started when collection finished): its folder and URL."""
    if not _serve:  # asked for by a test that collection did not see coming
        _start_serve()
    return _serve["folder"], _serve["url"]


def _browser_problem():
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM}"
    return None


def _require_browser():
    """Skip the test when the browser tests cannot run here; in CI (CI=true), fail it."""
    problem = _browser_problem()
    if problem and os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {problem}")
    if problem:
        pytest.skip(f"{problem}; install Debian's Chromium (apt-get install chromium) to run the browser tests")


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def tab(browser):
    """One laptop-sized browser tab for a test module: a reload is much quicker than a new tab."""
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    yield tab
    tab.close()


@pytest.fixture(scope="session")
def server(built_site):
    """The built site on a local port, as a static host would serve it; yields its base URL."""
    with static_server(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def visits(built_site):
    """The browser gate's checks of every page: (page, scheme) -> results (see tests/browser_gate.py).
    The gate started when the site was built; this waits for it to finish."""
    _require_browser()
    if not _gate:  # asked for by a test collection did not foresee
        _start_gate()
    _gate["thread"].join(timeout=600)
    assert not _gate["thread"].is_alive(), "the browser gate did not finish within 10 minutes"
    assert "process" in _gate, "the browser gate never started (see the warnings for what its thread raised)"
    log = (_gate["folder"] / "gate.log").read_text(encoding="utf-8")
    assert _gate["process"].returncode == 0, f"the browser gate failed:\n{log}"
    results = json.loads((_gate["folder"] / "results.json").read_text(encoding="utf-8"))
    return {(name, scheme): record for name, scheme, record in results}
