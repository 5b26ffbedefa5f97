"""Run code the way a reader does: in a fresh Python started in an empty folder, where this site's
`snippets` package cannot be imported, so that only what a page (or its download) gives is there.

Used by tests/test_standalone.py for the pages' blocks, the `.py` downloads and the notebooks.
"""

import contextlib
import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# Started before anything else in each of these interpreters (Python imports `sitecustomize` at startup).
_BLOCKER = 'import sys\n\nsys.modules["snippets"] = None  # a reader has PyTorch, not this site\'s package\n'

# Runs blocks one after another in one namespace, as pasting them in order does, and reports what each
# printed, or the error that stopped it.
_DRIVER = r"""
import contextlib, io, json, sys, traceback
namespace = {"__name__": "__main__"}
report = []
for number, code in enumerate(json.load(sys.stdin), start=1):
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"<block {number}>", "exec"), namespace)
    except BaseException:
        report.append({"printed": printed.getvalue(), "error": traceback.format_exc()})
        break
    report.append({"printed": printed.getvalue(), "error": None})
json.dump(report, sys.__stdout__)
"""
TIMEOUT = 300  # seconds for one page's code; the slowest (the dark room's training) takes a few


@contextlib.contextmanager
def reader_folder():
    """An empty folder to run in, and the environment of a Python there that cannot import `snippets`."""
    with tempfile.TemporaryDirectory(prefix="attention-reader-") as temporary:
        blocker, work = Path(temporary, "blocker"), Path(temporary, "work")
        blocker.mkdir()
        work.mkdir()
        (blocker / "sitecustomize.py").write_text(_BLOCKER, encoding="utf-8")
        environment = {**os.environ, "PYTHONPATH": str(blocker)}
        environment.pop("PYTHONSTARTUP", None)
        yield work, environment


def run_blocks(blocks: list[str]) -> list[dict]:
    """Each block's {"printed", "error"}, run in order in one fresh interpreter; it stops at an error."""
    with reader_folder() as (work, environment):
        done = subprocess.run(
            [sys.executable, "-c", _DRIVER], input=json.dumps(blocks), capture_output=True, text=True,
            cwd=work, env=environment, timeout=TIMEOUT,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the interpreter running the blocks failed:\n{done.stderr}")
    return json.loads(done.stdout)


def run_script(script: Path) -> subprocess.CompletedProcess:
    """`python SCRIPT`, copied into an empty folder first."""
    with reader_folder() as (work, environment):
        copy = work / script.name
        copy.write_bytes(script.read_bytes())
        return subprocess.run(
            [sys.executable, copy.name], capture_output=True, text=True, cwd=work, env=environment,
            timeout=TIMEOUT,
        )


def run_notebook(notebook):
    """The notebook (an nbformat node) executed top to bottom under nbclient, in a fresh kernel."""
    from nbclient import NotebookClient

    with reader_folder() as (work, environment):
        client = NotebookClient(
            notebook, timeout=TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(work)}}
        )
        return client.execute(env=environment)


def problems(page: str, shown: list[str], report: list[dict]) -> list[str]:
    """Where running a page's blocks did not print what the page shows under each, block by block,
    each problem naming the page and the block (blocks count from 1)."""
    found = []
    for number, expected in enumerate(shown, start=1):
        if number > len(report):
            found.append(f"{page}, block {number}: never ran")
            continue
        result = report[number - 1]
        if result["error"]:
            found.append(f"{page}, block {number} raised an error:\n{result['error']}")
        elif result["printed"].rstrip("\n") != expected.rstrip("\n"):
            shown_here = diff(expected, result["printed"])
            found.append(f"{page}, block {number} printed what the page does not show:\n{shown_here}")
    return found


def diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(
        expected.rstrip("\n").splitlines(), actual.rstrip("\n").splitlines(), "the page", "the run", lineterm=""
    )
    return "\n".join(lines)
