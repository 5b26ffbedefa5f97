"""Every output the pages show equals the book's printed value, within printing precision."""

import expected_outputs
import pytest
import torch

from engine import catalog, runner
from snippets import machine, sentence

# Sections whose values come from dropout's random numbers, which depend on the hardware.
DROPOUT_SECTIONS = {("chapter.causal_attention", "dropout_ones"), ("chapter.causal_attention", "dropout_weights")}

# The dark-room experiment trains two models: its printed losses depend on the CPU's floating-point
# rounding, so it has no golden file. tests/test_dark_room.py asserts its conclusions with margins instead.
TRAINED = {"experiments.dark_room"}
COMPARED = [name for name in catalog.WALKTHROUGHS if name not in TRAINED]

CASES = [
    (name, section)
    for name in COMPARED
    for section in expected_outputs.load(name)
]


def test_every_printing_section_has_an_expected_output(walkthroughs):
    printed = {(n, s) for n, w in walkthroughs.items() if n in COMPARED for s, text in w.output.items() if text}
    assert printed == set(CASES), "sections and tests/expected/*.txt disagree"


@pytest.mark.parametrize(("name", "section"), CASES, ids=[f"{n}:{s}" for n, s in CASES])
def test_printed_output_matches_the_book(walkthroughs, name, section):
    if (name, section) in DROPOUT_SECTIONS and not machine.dropout_matches_book():
        pytest.skip(
            f"{machine.describe()}: dropout here does not draw as PyTorch's own CPU generator does, which "
            "produced the book's patterns; test_attention_correctness checks dropout's rules instead"
        )
    expected = expected_outputs.load(name)[section]
    problems = expected_outputs.differences(expected, walkthroughs[name].output[section])
    assert not problems, f"snippets.{name} section {section!r}:\n" + "\n".join(problems)


def close(actual, expected):
    torch.testing.assert_close(actual.detach(), torch.tensor(expected), atol=1e-4, rtol=0)


def test_scores_for_journey_match_the_book(walkthroughs):
    close(walkthroughs["chapter.simple_attention"].namespace["attn_scores_2"],
          [0.9544, 1.4950, 1.4754, 0.8434, 0.7070, 1.0865])


def test_softmax_weights_for_journey_match_the_book(walkthroughs):
    close(walkthroughs["chapter.simple_attention"].namespace["attn_weights_2"],
          [0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581])


def test_first_context_vector_matches_the_book(walkthroughs):
    close(walkthroughs["chapter.simple_attention"].namespace["all_context_vecs"][0], [0.4421, 0.5931, 0.5790])


def test_query_for_journey_matches_the_book(walkthroughs):
    close(walkthroughs["chapter.trainable_attention"].namespace["query_2"], [0.4306, 1.4551])


def test_first_row_of_self_attention_v1_matches_the_book(walkthroughs):
    ns = walkthroughs["chapter.trainable_attention"].namespace
    close(ns["sa_v1"](ns["inputs"])[0], [0.2996, 0.8053])


def test_first_row_of_multihead_attention_matches_the_book(walkthroughs):
    close(walkthroughs["chapter.multihead_attention"].namespace["context_vecs"][0, 0], [0.3190, 0.4858])


def test_the_check_catches_a_perturbed_input(monkeypatch):
    """The guard can fail: nudge one embedding by 0.01 and the comparison must name what changed."""
    perturbed = sentence.inputs.clone()
    perturbed[1, 0] += 0.01  # "journey"
    monkeypatch.setattr(sentence, "inputs", perturbed)
    run = runner.run("chapter.simple_attention")
    expected = expected_outputs.load("chapter.simple_attention")
    problems = expected_outputs.differences(expected["scores_journey"], run.output["scores_journey"])
    assert problems, "a perturbed input went unnoticed"
    assert problems[0].startswith("number 1: expected 0.9544, got 0.9587")


def test_the_check_reports_changed_text():
    problems = expected_outputs.differences("shape: torch.Size([2, 6, 2])\n", "shape: torch.Size([2, 6])\n")
    assert problems and problems[0] == "the printed text differs beyond its numbers:"


def test_the_check_tolerates_rounding_in_the_last_digit():
    assert not expected_outputs.differences("tensor([0.4421, -0.0000])", "tensor([0.4422,  0.0000])")
    assert expected_outputs.differences("tensor([0.4421])", "tensor([0.4423])")


def test_the_dropout_verdict_is_whether_the_book_patterns_come_out_not_a_guess_from_the_hardware(
    walkthroughs, monkeypatch
):
    """machine.dropout_matches_book() says True exactly when 3.5 prints the book's dropout patterns,
    and False for a dropout that draws its zeros another way."""
    expected = expected_outputs.load("chapter.causal_attention")
    book_patterns = not any(
        expected_outputs.differences(expected[section], walkthroughs["chapter.causal_attention"].output[section])
        for _, section in DROPOUT_SECTIONS
    )
    assert machine.dropout_matches_book() == book_patterns

    def another_draw(input, p=0.5, training=True, inplace=False):
        keep = torch.rand(input.shape) >= p  # follows the seed, but keeps other entries
        return input * keep / (1 - p)

    monkeypatch.setattr(torch.nn.functional, "dropout", another_draw)
    assert machine.dropout_matches_book() is False
