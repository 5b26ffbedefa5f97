"""Running a walk-through as a module prints exactly what the pages show, in the same order."""

import os
import subprocess
import sys

import pytest

from engine import catalog, runner


def python(*args):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=300)


def python_m(*args):
    return python("-m", *args)


# Runs every module as `python -m` does (runpy, as __main__), all in one fresh interpreter so that
# torch is imported once; a separator line that no module prints marks where each one starts.
RUN_ALL = """
import runpy, sys
for name in sys.argv[1:]:
    print(f"=== {name} ===", flush=True)
    runpy.run_module(f"snippets.{name}", run_name="__main__", alter_sys=True)
"""


@pytest.fixture(scope="module")
def printed_by_each_module():
    result = python("-c", RUN_ALL, *catalog.WALKTHROUGHS)
    assert result.returncode == 0, result.stderr
    parts = result.stdout.split("=== ")[1:]
    return {part.split(" ===\n", 1)[0]: part.split(" ===\n", 1)[1] for part in parts}


@pytest.mark.parametrize("name", catalog.WALKTHROUGHS)
def test_running_each_module_prints_exactly_the_section_outputs_in_order(walkthroughs, printed_by_each_module, name):
    assert printed_by_each_module[name] == walkthroughs[name].transcript


def test_python_m_module_prints_exactly_the_section_outputs(walkthroughs):
    result = python_m("snippets.chapter.simple_attention")
    assert result.returncode == 0, result.stderr
    assert result.stdout == walkthroughs["chapter.simple_attention"].transcript


def test_python_m_snippets_name_runs_the_same_example(walkthroughs):
    result = python_m("snippets", "chapter.causal_attention")
    assert result.returncode == 0, result.stderr
    assert result.stdout == walkthroughs["chapter.causal_attention"].transcript


def test_python_m_snippets_lists_every_example():
    result = python_m("snippets")
    assert result.returncode == 0
    for name in catalog.WALKTHROUGHS:
        assert f"  {name} " in result.stdout


def test_an_unknown_example_gets_a_clear_message_and_a_nonzero_exit():
    result = python_m("snippets", "casual_attention")
    assert result.returncode == 2
    assert "unknown example 'casual_attention'; choose one of: chapter.simple_attention," in result.stderr


def test_sections_are_read_in_order_with_their_line_numbers():
    source = "import x\n# --8<-- [start:a]\nprint(1)\n# --8<-- [end:a]\ny = 2\n"
    chunks = runner.split_chunks(source)
    assert [(c.section, c.first_line, c.code) for c in chunks] == [
        (None, 1, "import x\n"),
        ("a", 3, "print(1)\n"),
        (None, 5, "y = 2\n"),
    ]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("# --8<-- [start:a]\n# --8<-- [start:b]\n", "section 'b' starts inside 'a'"),
        ("# --8<-- [start:a]\nx = 1\n", "section 'a' is never closed"),
        ("# --8<-- [start:a]\n# --8<-- [end:b]\n", "end of 'b' does not close 'a'"),
        ("# --8<-- [start:a]\n# --8<-- [end:a]\n# --8<-- [start:a]\n", "section 'a' is defined twice"),
    ],
)
def test_malformed_section_markers_are_reported(source, problem):
    with pytest.raises(runner.SectionError, match=problem):
        runner.split_chunks(source)


def test_an_unknown_module_is_reported():
    with pytest.raises(runner.SectionError, match="there is no module snippets.no_such_thing"):
        runner.run("no_such_thing")


def test_a_section_that_raises_is_named_with_its_module_section_and_line(tmp_path, monkeypatch):
    script = tmp_path / "broken.py"
    script.write_text(
        "# --8<-- [start:a]\nx = 1\n# --8<-- [end:a]\n\n"
        "# --8<-- [start:b]\ndef fail():\n    raise RuntimeError('boom')\n\n\nfail()\n# --8<-- [end:b]\n"
    )
    monkeypatch.setattr(runner, "module_path", lambda name: script)
    with pytest.raises(runner.SectionFailed) as error:
        runner.run("broken")
    assert str(error.value) == "snippets.broken, section b, line 7 (broken.py:7) raised RuntimeError('boom')"
    assert isinstance(error.value.__cause__, RuntimeError)  # the original traceback is kept


def test_code_outside_sections_may_not_print(tmp_path, monkeypatch):
    script = tmp_path / "hidden.py"
    script.write_text("print('hidden')\n# --8<-- [start:a]\nx = 1\n# --8<-- [end:a]\n")
    monkeypatch.setattr(runner, "module_path", lambda name: script)
    with pytest.raises(runner.SectionError, match="code outside any section printed 'hidden"):
        runner.run("hidden")


def test_dependencies_follow_imports_through_other_snippets_modules():
    assert runner.dependencies("chapter.simple_attention") == {"chapter.simple_attention", "sentence"}
    assert runner.dependencies("questions.dropout") == {"questions.dropout", "attention", "sentence"}
    assert runner.dependencies("benchmark") >= {"benchmark", "efficient_attention", "attention"}


def test_an_edit_to_the_sentence_reruns_the_chapter_but_not_the_dark_room():
    """What a `mkdocs serve` rebuild reruns after snippets/sentence.py changes."""
    stale = {name for name in catalog.WALKTHROUGHS if "sentence" in runner.dependencies(name)}
    chapter = {f"chapter.{name}" for name in ("simple_attention", "trainable_attention", "causal_attention",
                                              "multihead_attention")}
    assert chapter <= stale
    assert "experiments.dark_room" not in stale
