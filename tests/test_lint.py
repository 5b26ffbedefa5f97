"""The code passes ruff with the project's configuration (pyproject.toml)."""

import subprocess
import sys

from conftest import REPO


def test_ruff_finds_nothing_to_fix():
    command = [sys.executable, "-m", "ruff", "check", "."]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
