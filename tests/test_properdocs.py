"""ProperDocs, the maintained fork of MkDocs 1.x, builds this site unchanged into the same files as MkDocs:
the way off MkDocs 1.x, proven by a build with each and a byte-for-byte comparison."""

import calendar
import datetime
import re
import subprocess
import sys

import pytest
from site_tools import copy_site, environment

pytestmark = pytest.mark.site

# What may differ between the two builds, and nothing else:
# 1. The generator tag: each generator names itself and its version in every page's <head>.
GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')
# 2. The live timings: the performance pages (every edition) show the build's own small benchmark run, whose
#    median times and ratios to the fastest ("x best") are measured with perf_counter during the build and
#    differ every run. A row is: tokens, implementation, then ms, x best and MiB for each of three modes, then
#    how many timed calls each median is of (snippets/benchmark.py, table_rows). Only ms and x best are
#    blanked: the peak MiB counts PyTorch's allocations and the call counts are fixed, so both must agree.
TIMING_ROW = re.compile(r"^ *\d+  \S+(?: +\d+\.\d +\d+\.\d\d +\d+\.\d){3} +\d+/\d+/\d+$", re.M)
TIMING_CELL = re.compile(r" +\d+\.\d +\d+\.\d\d( +\d+\.\d)")  # ms, x best, then MiB (kept)
# Not a difference but an input: the sitemap's <lastmod> and its .gz header carry the build's UTC date, so
# the ProperDocs build is given the MkDocs build's date (SOURCE_DATE_EPOCH, which both read) and two builds
# either side of midnight still agree.
LASTMOD = re.compile(r"<lastmod>(\d{4}-\d\d-\d\d)</lastmod>")


def properdocs_build(copy, site, date):
    """`properdocs build --strict` of the site copied into ``copy``, into ``site``, dated ``date``; its output
    if it failed. The copy has no `.cache/` of its own, so ProperDocs converts every notebook itself rather
    than reusing what the MkDocs build's mkdocs-jupyter cached."""
    epoch = calendar.timegm(datetime.date.fromisoformat(date).timetuple())
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(site)],
        cwd=copy, capture_output=True, text=True, timeout=300,
        env={**environment(copy), "SOURCE_DATE_EPOCH": str(epoch)},
    )
    return None if result.returncode == 0 else result.stdout + result.stderr


def normalised(path):
    """A built file's bytes, with the generator tag and the live timings blanked in its pages."""
    data = path.read_bytes()
    if path.suffix != ".html":
        return data
    text = GENERATOR.sub('<meta name="generator" content="...">', data.decode("utf-8"))
    # The padding before a time changes with its number of digits, so it goes with the time.
    text = TIMING_ROW.sub(lambda row: TIMING_CELL.sub(r" ms x-best\1", row.group()), text)
    return text.encode("utf-8")


def difference(name, mkdocs, properdocs):
    """Where two normalised files first differ, for the failure message: the first differing line of text
    around its first differing character (a notebook is one long line per cell), or the first differing byte."""
    try:
        old, new = mkdocs.decode("utf-8").splitlines(), properdocs.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        byte = first_difference(mkdocs, properdocs)
        return f"{name}: {len(mkdocs)} and {len(properdocs)} bytes, first different at byte {byte}"
    line = first_difference(old, new)
    old_line, new_line = (lines[line] if line < len(lines) else "" for lines in (old, new))
    start = max(first_difference(old_line, new_line) - 80, 0)
    return (
        f"{name}, line {line + 1}:\n  mkdocs:     {old_line[start:start + 160]}\n"
        f"  properdocs: {new_line[start:start + 160]}"
    )


def first_difference(a, b):
    """The first index where two sequences differ (the shorter one's length if one begins the other)."""
    shorter = min(len(a), len(b))
    return next((i for i in range(shorter) if a[i] != b[i]), shorter)


def files(site):
    """Every file of a built site, by its path in the site."""
    return {path.relative_to(site).as_posix(): path for path in sorted(site.rglob("*")) if path.is_file()}


def test_properdocs_builds_the_same_site_as_mkdocs_but_for_the_generator_tag_and_the_live_timings(
    built_site, tmp_path
):
    copy_site(tmp_path)
    site = tmp_path / "site"
    date = LASTMOD.search((built_site / "sitemap.xml").read_text(encoding="utf-8")).group(1)
    failure = properdocs_build(tmp_path, site, date)
    assert failure is None, f"properdocs build --strict failed:\n{failure}"
    generator = GENERATOR.search((site / "index.html").read_text(encoding="utf-8")).group()
    assert "ProperDocs" in generator, f"the second build did not run ProperDocs: {generator}"

    mkdocs, properdocs = files(built_site), files(site)
    assert mkdocs.keys() == properdocs.keys(), (
        f"only MkDocs built {sorted(mkdocs.keys() - properdocs.keys())}; "
        f"only ProperDocs built {sorted(properdocs.keys() - mkdocs.keys())}"
    )
    differing = [name for name in mkdocs if normalised(mkdocs[name]) != normalised(properdocs[name])]
    assert not differing, f"{len(differing)} of {len(mkdocs)} files differ: {differing}\n" + "\n\n".join(
        difference(name, normalised(mkdocs[name]), normalised(properdocs[name])) for name in differing[:3]
    )
