"""How fast the site builds and rebuilds, how long the tests take, and how heavy each page is.

    .venv/bin/python tests/benchmark_site.py            # everything (the test suite takes a few minutes)
    .venv/bin/python tests/benchmark_site.py --no-tests

Prints figures against the budgets; it never fails because a machine is slow. The builds run in a
temporary copy of the site, so nothing here is cached from an earlier run.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from site_tools import (
    CJK_PAGE_BUDGET_KB,
    PAGE_BUDGET_KB,
    REPO,
    build_command,
    copy_site,
    environment,
    mkdocs_serve,
    page_budget_kb,
    sent_bytes,
    wait_for,
)

BUDGETS = {"cold build": 30.0, "rebuild after a prose edit": 2.0, "browser tests": 60.0, "test suite": 90.0}


def cold_build(copy: Path) -> tuple[float, Path]:
    site = copy / "site"
    start = time.perf_counter()
    subprocess.run(build_command(site, "--quiet"), cwd=copy, env=environment(copy), check=True)
    return time.perf_counter() - start, site


def serve_rebuilds(copy: Path) -> dict[str, float]:
    with mkdocs_serve(copy) as base:
        wait_for(base + "long-sequences/", "bottleneck", 120)
        prose = copy / "docs" / "long-sequences.md"
        prose.write_text(prose.read_text() + "\nA sentence added by the benchmark.\n")
        times = {"rebuild after a prose edit": wait_for(base + "long-sequences/", "added by the benchmark", 60)}
        sentence = copy / "snippets" / "sentence.py"
        sentence.write_text(sentence.read_text().replace("[0.43, 0.15, 0.89]", "[0.53, 0.15, 0.89]"))
        times["rebuild after a snippet edit"] = wait_for(base + "simple-self-attention/", "1.0094", 120)
        return times


def test_suite(*args: str, env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=REPO,
                   stdout=subprocess.DEVNULL, check=False, env=env)
    return time.perf_counter() - start


def browser_suite(site: Path) -> float:
    """The browser tests alone, against the site already built (they share the build with other tests)."""
    return test_suite("tests/test_browser.py", "tests/test_explorer.py", env={**os.environ, "BUILT_SITE": str(site)})


def page_weights(site: Path) -> list[tuple[str, int, float, float]]:
    """Per page: files it loads when opened (HTML, styles, scripts, images), raw and gzipped KB."""
    rows = []
    for page in sorted(site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        refs = re.findall(r'<(?:script|img)[^>]+src="([^"#?]+)|<link[^>]+href="([^"#?]+\.css)"', html)
        files = [page] + [(page.parent / (a or b)).resolve() for a, b in refs if not (a or b).startswith("http")]
        files = [f for f in dict.fromkeys(files) if f.is_file()]
        raw = sum(f.stat().st_size for f in files)
        zipped = sum(sent_bytes(f) for f in files)
        rows.append((str(page.parent.relative_to(site)) + "/", len(files), raw / 1024, zipped / 1024))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-tests", action="store_true", help="skip timing the test suite")
    args = parser.parse_args()
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder)
        copy_site(copy)
        figures["cold build"], site = cold_build(copy)
        weights = page_weights(site)
        figures.update(serve_rebuilds(copy))
        if not args.no_tests:
            figures["browser tests"] = browser_suite(site)
    if not args.no_tests:
        figures["test suite"] = test_suite()

    print(f"{'what':<32} {'seconds':>8}  budget")
    for what, seconds in figures.items():
        budget = BUDGETS.get(what)
        verdict = "" if budget is None else f"{'within' if seconds <= budget else 'OVER'} {budget:g} s"
        print(f"{what:<32} {seconds:>8.2f}  {verdict}")
    print(f"\n{'page':<40} {'files':>5} {'raw KB':>8} {'gzip KB':>8}")
    for page, count, raw, zipped in weights:
        budget = page_budget_kb(page)
        flag = "" if zipped <= budget else f"  OVER {budget} KB"
        print(f"{page:<40} {count:>5} {raw:>8.1f} {zipped:>8.1f}{flag}")
    print(f"\n{os.cpu_count()} CPUs; every page, notebook pages included, is budgeted at {PAGE_BUDGET_KB} KB "
          f"gzipped ({CJK_PAGE_BUDGET_KB} KB in Japanese and Korean).")


if __name__ == "__main__":
    main()
