"""Shared fixtures: each walk-through runs once per test session, and the site is built once."""

import os
import subprocess
import sys

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
    """The site built with `mkdocs build --strict` into a temporary folder."""
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
