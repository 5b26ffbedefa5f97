"""The facts the questions and exercises pages rest on, each checked against an independent computation."""

import copy
import itertools
import math
import re

import expected_outputs
import pytest
import torch
from site_tools import page_soup
from torch import nn

from engine import runner
from snippets.attention import (
    CausalAttention,
    MultiHeadAttention,
    MultiHeadAttentionWrapper,
    SelfAttention_v1,
    SelfAttention_v2,
    causal_mask,
)
from snippets.sentence import inputs

QUESTION_ANCHORS = [
    "why-not-one-hot", "is-the-mask-against-overfitting",  # Q1 and Q10 come first
    "scores-and-weights", "why-softmax", "softmax-dim", "why-three-matrices", "why-divide-by-dk",
    "d-in-and-d-out", "nn-linear-and-the-transpose", "minus-infinity-or-zero", "tril-or-triu",
    "mask-at-inference", "context-length-slice", "causal-not-casual", "register-buffer", "dropout-scaling",
    "dropout-rows", "dropout-differs", "transpose-on-batches", "d-out-in-multi-head", "view-and-contiguous",
    "out-proj",
]


def namespace(walkthroughs, name):
    return walkthroughs[name].namespace


def chapter_scores():
    """Section 3.5's scaled scores, recomputed here from the seed rather than read from a walk-through."""
    torch.manual_seed(789)
    sa_v2 = SelfAttention_v2(3, 2)
    with torch.no_grad():
        scores = sa_v2.W_query(inputs) @ sa_v2.W_key(inputs).T
    return scores / math.sqrt(2)


def without_mask(module):
    module.mask.fill_(False)
    return module


# Q1 and Q2: context vectors, scores and weights


def test_the_same_word_gets_one_embedding_but_two_context_vectors(walkthroughs):
    ns = namespace(walkthroughs, "questions.context")
    assert torch.equal(ns["x_a"][2], ns["x_b"][2])
    assert not torch.allclose(ns["context_a"][2], ns["context_b"][2], atol=1e-3)
    torch.testing.assert_close(ns["one_hot"] @ ns["embedding"].weight, ns["embedding"].weight[3])


def test_omega_21_is_row_2_column_1_and_only_weights_sum_to_one(walkthroughs):
    ns = namespace(walkthroughs, "questions.context")
    torch.testing.assert_close(ns["attn_scores"][1, 0], ns["queries"][1] @ ns["keys"][0])
    torch.testing.assert_close(ns["attn_weights"].sum(dim=-1), torch.ones(6))
    assert not torch.allclose(ns["attn_scores"].sum(dim=-1), torch.ones(6))


# Q3 and Q17: softmax


def test_dividing_by_the_sum_gives_negative_or_huge_weights_where_softmax_does_not():
    for scores in (torch.tensor([2.0, -1.0, 0.5]), torch.tensor([0.5, -0.52, 0.0])):
        by_sum = scores / scores.sum()
        assert (by_sum < 0).any() or (by_sum > 1).any()
        softmax = torch.softmax(scores, dim=0)
        assert (softmax > 0).all() and math.isclose(softmax.sum().item(), 1.0, rel_tol=1e-6)


def test_naive_softmax_overflows_where_torch_softmax_stays_finite(walkthroughs):
    ns = namespace(walkthroughs, "questions.softmax")
    large = torch.tensor([1000.0, 1001.0, 999.0])
    assert torch.isnan(ns["softmax_naive"](large)).all()
    expected = torch.exp(torch.tensor([1.0, 2.0, 0.0])) / torch.exp(torch.tensor([1.0, 2.0, 0.0])).sum()
    torch.testing.assert_close(torch.softmax(large, dim=0), expected)


def test_softmax_over_dim_1_of_a_batch_normalises_columns_not_rows(walkthroughs):
    wrong = namespace(walkthroughs, "questions.softmax")["wrong"]
    torch.testing.assert_close(wrong.sum(dim=1), torch.ones(2, 4))
    assert not torch.allclose(wrong.sum(dim=-1), torch.ones(2, 4), atol=0.05)


# Q4-Q7: the projections


def test_plain_dot_product_scores_are_symmetric_and_projected_ones_are_not(walkthroughs):
    ns = namespace(walkthroughs, "questions.projections")
    assert torch.equal(ns["plain"], ns["plain"].T)
    assert not torch.allclose(ns["scores"], ns["scores"].T, atol=1e-2)


def test_queries_and_keys_must_share_a_width_but_values_need_not():
    x = torch.rand(6, 3)
    context = torch.softmax((x @ torch.rand(3, 2)) @ (x @ torch.rand(3, 2)).T, dim=-1) @ (x @ torch.rand(3, 5))
    assert context.shape == (6, 5)
    with pytest.raises(RuntimeError):
        (x @ torch.rand(3, 2)) @ (x @ torch.rand(3, 4)).T


def test_nn_linear_weights_lie_within_one_over_root_d_in():
    torch.manual_seed(0)
    for d_in in (3, 16, 768):
        weight = nn.Linear(d_in, 8).weight
        assert weight.abs().max() <= 1 / math.sqrt(d_in)
        assert weight.min() < 0 < weight.max()


def test_the_sqrt_dk_table_shows_the_growth_that_scaling_removes(walkthroughs):
    ns = namespace(walkthroughs, "questions.scaling")
    for d_k, unscaled, scaled in zip(ns["d_ks"], ns["std_unscaled"], ns["std_scaled"], strict=True):
        assert unscaled == pytest.approx(math.sqrt(d_k), rel=0.1), f"unscaled std at d_k={d_k}"
        assert scaled == pytest.approx(1.0, abs=0.1), f"scaled std at d_k={d_k}"
    peaks = ns["peak_unscaled"]
    assert all(a < b for a, b in itertools.pairwise(peaks)), "the unscaled peak weight should keep growing"
    assert peaks[-1] > 0.9
    assert max(ns["peak_scaled"]) < 0.45


def test_the_variance_of_a_dot_product_is_d_k_in_an_independent_draw():
    generator = torch.Generator().manual_seed(7)
    q, k = torch.randn(2, 20_000, 256, generator=generator)
    assert (q * k).sum(dim=-1).var().item() == pytest.approx(256, rel=0.05)


def test_multi_head_attention_scales_by_the_head_width(walkthroughs):
    module = namespace(walkthroughs, "questions.scaling")["gpt2_sized"]
    assert module.head_dim == 768 // 12 == 64


# Q8-Q12 and Q22: the mask


def test_filling_with_zero_leaks_most_of_the_first_tokens_weight_on_the_chapters_scores(walkthroughs):
    scores = chapter_scores()
    future = torch.triu(torch.ones(6, 6, dtype=torch.bool), diagonal=1)
    leak = (torch.softmax(scores.masked_fill(future, 0.0), dim=-1) * future).sum(dim=-1)
    assert leak[0] > 0.75 and leak[-1] == 0
    assert (leak[:-1] > 0.1).all()
    ns = namespace(walkthroughs, "questions.masking")
    torch.testing.assert_close((ns["zero_filled"] * ns["future"]).sum(dim=-1), leak)
    assert (ns["minus_inf"] * ns["future"]).sum() == 0


def test_tril_of_ones_and_triu_with_diagonal_1_are_complements():
    for n in (1, 4, 9):
        keep = torch.tril(torch.ones(n, n, dtype=torch.bool))
        assert torch.equal(keep, ~causal_mask(n))
        assert torch.equal(torch.triu(torch.ones(n, n), diagonal=1).bool(), causal_mask(n))


def test_hiding_the_diagonal_too_leaves_the_first_token_with_nan_weights():
    weights = torch.softmax(chapter_scores().masked_fill(torch.triu(torch.ones(6, 6, dtype=torch.bool)), -torch.inf),
                            dim=-1)
    assert torch.isnan(weights[0]).all()
    assert not torch.isnan(weights[1:]).any()


def test_without_the_mask_every_position_sees_a_changed_last_token():
    torch.manual_seed(3)
    masked = CausalAttention(3, 2, context_length=6, dropout=0.0).eval()
    unmasked = without_mask(copy.deepcopy(masked))
    x = torch.rand(1, 6, 3)
    edited = x.clone()
    edited[0, 5] += 1.0
    with torch.no_grad():
        assert torch.equal(masked(edited)[:, :5], masked(x)[:, :5])
        assert ((unmasked(edited) - unmasked(x)).abs().amax(dim=-1) > 0).all()


def test_the_walkthrough_shows_the_same_leak(walkthroughs):
    ns = namespace(walkthroughs, "questions.masking")
    assert torch.equal(ns["influence"], torch.tril(torch.ones(6, 6, dtype=torch.long)))
    with torch.no_grad():
        moved = (ns["masked"](ns["other_ending"]) - ns["masked"](ns["text"])).abs().amax(dim=-1)[0]
    assert (moved[:5] == 0).all() and moved[5] > 0


@pytest.mark.parametrize("prefix", [1, 3, 5])
def test_earlier_outputs_stay_the_same_when_a_token_is_appended(prefix):
    torch.manual_seed(prefix)
    mha = MultiHeadAttention(4, 6, context_length=8, dropout=0.0, num_heads=3).eval()
    x = torch.rand(2, prefix + 1, 4)
    with torch.no_grad():
        torch.testing.assert_close(mha(x)[:, :prefix], mha(x[:, :prefix]))
        unmasked = without_mask(mha)
        assert not torch.allclose(unmasked(x)[:, :prefix], unmasked(x[:, :prefix]))


def test_the_walkthroughs_cached_keys_stay_valid_only_with_the_mask(walkthroughs):
    ns = namespace(walkthroughs, "questions.masking")
    layer_1, layer_2 = ns["layer_1"], ns["layer_2"]
    with torch.no_grad():
        cached = layer_2.W_key(layer_1(ns["prompt"]))
        torch.testing.assert_close(layer_2.W_key(layer_1(ns["longer"]))[:, :5], cached)
        unmasked = ns["without_mask"](layer_1)
        assert not torch.allclose(layer_2.W_key(unmasked(ns["longer"]))[:, :5], layer_2.W_key(unmasked(ns["prompt"])))


def test_an_input_longer_than_context_length_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="7 tokens, more than context_length=6"):
        CausalAttention(3, 2, context_length=6, dropout=0.0)(torch.rand(1, 7, 3))


# Q13: buffers


def test_a_registered_buffer_is_saved_and_converted_but_a_plain_attribute_is_not(walkthroughs):
    ns = namespace(walkthroughs, "questions.buffers")
    toy = ns["Mix"]().to(torch.float64)
    assert toy.registered.dtype == torch.float64 and toy.linear.weight.dtype == torch.float64
    assert toy.plain.dtype == torch.float32
    assert "registered" in toy.state_dict() and "plain" not in toy.state_dict()
    assert all(p is not toy.registered for p in toy.parameters())
    with pytest.raises(RuntimeError, match="same dtype"):
        toy(torch.ones(1, 2, dtype=torch.float64))


def test_a_non_persistent_buffer_is_a_buffer_left_out_of_the_state_dict(walkthroughs):
    toy = namespace(walkthroughs, "questions.buffers")["Mix"]()
    toy.register_buffer("scratch", torch.zeros(2), persistent=False)
    assert "scratch" in dict(toy.named_buffers()) and "scratch" not in toy.state_dict()
    assert toy.to(torch.float64).scratch.dtype == torch.float64


def test_the_causal_mask_keeps_its_bool_type_when_the_module_changes_dtype():
    assert CausalAttention(3, 2, 6, 0.0).to(torch.float64).mask.dtype == torch.bool


# Q14-Q16: dropout


@pytest.mark.parametrize("p", [0.1, 0.2, 0.5])
def test_dropout_scales_survivors_by_one_over_one_minus_p_not_one_over_p(p):
    torch.manual_seed(0)
    out = nn.Dropout(p)(torch.ones(10_000))
    survivors = out[out != 0].unique()
    torch.testing.assert_close(survivors, torch.tensor([1 / (1 - p)]))
    assert out.mean().item() == pytest.approx(1.0, abs=0.05)


def test_dropout_rows_stop_summing_to_one_and_empty_rows_match_the_theory(walkthroughs):
    ns = namespace(walkthroughs, "questions.dropout")
    theory = 1 - math.prod(1 - 0.5**k for k in range(1, 7))
    assert ns["theory"].item() == pytest.approx(theory)
    assert ns["some_row_empty"].item() == pytest.approx(theory, abs=0.01)
    assert set(ns["row_sums"][:, 0].unique().tolist()) == {0.0, 2.0}
    assert ns["row_sums"].mean().item() == pytest.approx(1.0, abs=0.01)


def test_dropout_is_the_identity_in_eval_mode_only():
    weights = torch.softmax(torch.rand(6, 6), dim=-1)
    dropout = nn.Dropout(0.5)
    assert torch.equal(dropout.eval()(weights), weights)
    assert not torch.equal(dropout.train()(weights), weights)


@pytest.mark.parametrize("name", ["questions.dropout", "questions.masking"])
def test_dropout_answers_print_the_same_whatever_dropouts_random_stream(monkeypatch, name):
    """Stand-in for a machine whose dropout draws differently (a GPU, another PyTorch build): the printed
    output, and so the published page and tests/expected, must not change."""

    def other_machines_dropout(input, p=0.5, training=True, inplace=False):
        if not training or p == 0:
            return input
        keep = torch.rand(input.shape) >= p  # follows the seed, but is not the pattern nn.Dropout draws
        return input * keep / (1 - p)

    monkeypatch.setattr(torch.nn.functional, "dropout", other_machines_dropout)
    run = runner.run(name)
    for section, expected in expected_outputs.load(name).items():
        problems = expected_outputs.differences(expected, run.output[section])
        assert not problems, f"{name}:{section} depends on the dropout pattern:\n" + "\n".join(problems)


# Q18-Q21: shapes and multi-head attention


def test_dot_T_reverses_every_axis_of_a_batch_and_transpose_swaps_two():
    batch = torch.rand(2, 6, 3)
    assert batch.permute(2, 1, 0).shape == (3, 6, 2)
    assert batch.transpose(1, 2).shape == batch.mT.shape == (2, 3, 6)


def test_the_transpose_warning_is_shown_on_every_run():
    first, second = (runner.run("questions.shapes").output["transpose_3d"] for _ in range(2))
    assert "PyTorch warns: The use of `x.T`" in first and first == second


def test_d_out_is_per_head_in_the_wrapper_and_total_in_multi_head_attention():
    x = torch.rand(2, 6, 3)
    for d_out, num_heads in [(2, 2), (4, 2), (6, 3)]:
        assert MultiHeadAttentionWrapper(3, d_out, 6, 0.0, num_heads)(x).shape == (2, 6, d_out * num_heads)
        assert MultiHeadAttention(3, d_out, 6, 0.0, num_heads)(x).shape == (2, 6, d_out)


def test_view_fails_on_a_transposed_tensor_and_contiguous_view_equals_reshape():
    t = torch.rand(2, 3, 4, 5).transpose(1, 2)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        t.view(2, 4, 15)
    assert torch.equal(t.contiguous().view(2, 4, 15), t.reshape(2, 4, 15))


def test_without_out_proj_a_change_to_one_head_stays_in_its_own_columns(walkthroughs):
    ns = namespace(walkthroughs, "questions.shapes")
    torch.manual_seed(11)
    mha = MultiHeadAttention(3, 4, 6, 0.0, num_heads=2).eval().requires_grad_(False)
    mha.out_proj = nn.Identity()
    before = mha(ns["batch"])
    mha.W_value.weight[2:] += 1.0
    changed = (mha(ns["batch"]) - before).abs().amax(dim=(0, 1)) > 0
    assert changed.tolist() == [False, False, True, True]


# The exercises


def test_exercise_3_1_v1_and_v2_agree_after_copying_transposed_weights(walkthroughs):
    ns = namespace(walkthroughs, "exercises.solutions")
    torch.testing.assert_close(ns["sa_v1"](inputs), ns["sa_v2"](inputs))
    torch.manual_seed(123)
    reference = SelfAttention_v2(3, 2)
    v1 = SelfAttention_v1(3, 2)
    assert not torch.allclose(v1(inputs), reference(inputs))
    torch.testing.assert_close(ns["sa_v2"](inputs), reference(inputs))


def test_exercise_3_2_gives_two_dimensional_context_vectors(walkthroughs):
    ns = namespace(walkthroughs, "exercises.solutions")
    assert ns["context_vecs"].shape == (2, 6, 2)
    first_token_values = torch.cat([head.W_value(inputs[:1]) for head in ns["wrapper"].heads], dim=-1)
    torch.testing.assert_close(ns["context_vecs"][0, :1], first_token_values)


def test_exercise_3_2_old_softmax_over_dim_1_reproduces_the_published_numbers(walkthroughs):
    ns = namespace(walkthroughs, "exercises.solutions")
    row_sums = ns["old_weights"].sum(dim=-1)
    assert not torch.allclose(row_sums, torch.ones(6), atol=0.1)
    assert (row_sums.diff() > 0).all(), "later tokens collect more weight"
    torch.testing.assert_close(ns["old_weights"].sum(dim=0), torch.ones(6))
    # The first and last rows printed in the book repository's exercise-solutions notebook.
    published = torch.tensor([[-9.1476e-02, 3.4164e-02], [-1.4744e00, -3.4327e-01]])
    torch.testing.assert_close(ns["old_context"][0, [0, -1]], published, atol=1e-4, rtol=0)


def test_exercise_3_3_counts_gpt2_sized_attention_parameters(walkthroughs):
    ns = namespace(walkthroughs, "exercises.solutions")
    d = 768
    assert ns["counted"] == ns["formula"] == 3 * d * d + d * d + d == 2_360_064
    mha = ns["mha"]
    assert mha.mask.numel() == 1024 * 1024 and "mask" in mha.state_dict()
    assert all(parameter is not mha.mask for parameter in mha.parameters())
    assert sum(p.numel() for p in ns["with_bias"].parameters()) == ns["counted"] + 3 * d


# The pages


def test_the_questions_page_answers_every_question_with_q1_and_q10_first(built_site):
    soup = page_soup(built_site / "questions" / "index.html")
    headings = [h["id"] for h in soup.select("article h3[id]")]
    assert headings == QUESTION_ANCHORS
    assert len(set(headings)) == 22


def test_each_question_shows_code_and_its_output(built_site):
    soup = page_soup(built_site / "questions" / "index.html")
    for heading in soup.select("article h3[id]"):
        titles = []
        for sibling in heading.find_next_siblings():
            if sibling.name in ("h2", "h3"):
                break
            titles += [title.get_text() for title in sibling.select(".filename")]
        assert any(re.fullmatch(r"snippets/[\w/]+\.py", t) for t in titles), f"{heading['id']} shows no code"
        assert "Output" in titles, f"{heading['id']} shows no output"


def test_exercise_solutions_are_folded_away(built_site):
    soup = page_soup(built_site / "exercises" / "index.html")
    solutions = [d for d in soup.select("article details.success")]
    assert len(solutions) == 3
    for solution in solutions:
        assert not solution.has_attr("open")
        assert solution.select("div.highlight .filename"), "a solution shows no code"


def test_chapter_pages_link_to_their_questions(built_site):
    for page in ["attention-idea", "simple-self-attention", "trainable-self-attention", "causal-attention",
                 "multi-head-attention"]:
        soup = page_soup(built_site / page / "index.html")
        links = [a["href"] for a in soup.select("article .admonition.question a[href*='questions/']")]
        assert links, f"{page} has no 'Questions readers ask here' links"


def test_two_thin_matrices_hold_fewer_numbers_than_the_square_one_only_below_half_of_d_in(walkthroughs):
    """Questions, "Why three matrices": fewer only when d_k < d_in / 2, as the run's two cases show."""
    numbers_held = walkthroughs["questions.projections"].namespace["numbers_held"]
    for d_in in range(1, 65):
        for d_k in range(1, d_in + 1):
            two_thin, one_square = numbers_held(d_in, d_k)
            assert (two_thin < one_square) == (d_k < d_in / 2), (d_in, d_k)
    assert numbers_held(3, 2)[0] > numbers_held(3, 2)[1] and numbers_held(768, 64)[0] < numbers_held(768, 64)[1]


def test_softmax_favours_the_best_match_more_than_division_only_when_the_gap_is_wide():
    """Questions and 3.3: softmax depends only on the gaps; 0.1 apart it splits more evenly than dividing
    by the sum, 2 apart it favours the larger score more."""
    for scores, softmax_favours_more in (([0.1, 0.2], False), ([1.0, 3.0], True)):
        scores = torch.tensor(scores)
        assert (torch.softmax(scores, dim=0).max() > (scores / scores.sum()).max()) == softmax_favours_more
        assert torch.allclose(torch.softmax(scores + 10, dim=0), torch.softmax(scores, dim=0))
