"""The README's two commands are the ones CI and the hosted workflow run."""

import re

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def shell_blocks(text):
    return re.findall(r"```sh\n(.*?)\n```", text, re.S)


def test_readme_gives_exactly_two_commands_serve_and_test():
    serve, test = shell_blocks(README)
    assert "mkdocs serve --dev-addr 127.0.0.1:" in serve and "\n" not in serve
    assert test.endswith("-m pytest") and "\n" not in test
    assert "pip install -r requirements.txt" in serve and "pip install -r requirements.txt" in test


def test_ci_runs_the_readmes_test_command():
    _, test = shell_blocks(README)
    assert (REPO / ".ci" / "run").read_text().strip().splitlines()[-1] == test


def test_the_hosted_workflow_runs_the_readmes_test_command():
    _, test = shell_blocks(README)
    assert f"run: {test}" in (REPO / ".github" / "workflows" / "docs.yml").read_text()
