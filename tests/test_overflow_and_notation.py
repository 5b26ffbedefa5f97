"""Sections 3.3 and 3.4 (their subsection numbers are checked in test_book_subsections.py): 3.4's path
diagram comes before the computation it pictures, and the facts behind two questions those pages answer
where readers meet them: where the naive softmax overflows (3.3), and the row and column notations for
W_q (3.4)."""

import math

import pytest
import torch
from editions import DOCS, SUFFIXES
from torch import nn

from snippets.attention import SelfAttention_v1, SelfAttention_v2
from snippets.sentence import inputs

EDITIONS = [f"{page}{suffix}" for page in ("simple-self-attention", "trainable-self-attention")
            for suffix in SUFFIXES]


def walkthrough(walkthroughs, name):
    return walkthroughs[name].namespace


# The headings and the diagram


@pytest.mark.parametrize("name", [name for name in EDITIONS if name.startswith("trainable")])
def test_the_qkv_path_diagram_comes_before_the_computation_it_pictures(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    diagram = text.index('<title id="qkv-title">')
    first_code = min(text.index(f"{{{{ {kind} chapter.trainable_attention:") for kind in ("code", "run"))
    assert diagram < first_code, f"{name}: the Q/K/V diagram comes after the code it pictures"


@pytest.mark.parametrize(("name", "after", "question", "before"), [
    (f"simple-self-attention{suffix}", "chapter.simple_attention:softmax_torch", "questions.overflow:threshold",
     "chapter.simple_attention:context_journey") for suffix in SUFFIXES
] + [
    (f"trainable-self-attention{suffix}", "chapter.trainable_attention:projections_journey",
     "chapter.trainable_attention:notation_columns", "chapter.trainable_attention:keys_values") for suffix in SUFFIXES
] + [
    (f"trainable-self-attention{suffix}", "chapter.trainable_attention:all_weights",
     "chapter.trainable_attention:notation_rows", "chapter.trainable_attention:v1") for suffix in SUFFIXES
])
def test_each_question_is_answered_where_readers_meet_it(name, after, question, before):
    text = (DOCS / name).read_text(encoding="utf-8")
    where = {key: text.index(f"{{{{ run {key} }}}}") for key in (after, question, before)}
    assert where[after] < where[question] < where[before], f"{name}: {question} is not between {after} and {before}"


# 3.3: the naive softmax overflows


def naive_softmax(x):
    return torch.exp(x) / torch.exp(x).sum()


def test_float32_is_pytorchs_default_number_type():
    assert torch.get_default_dtype() == torch.float32 and inputs.dtype == torch.float32


def test_the_overflow_threshold_is_the_logarithm_of_float32s_largest_number(walkthroughs):
    ns = walkthrough(walkthroughs, "questions.overflow")
    assert ns["largest"] == (2 - 2**-23) * 2**127  # float32's largest: 24 bits of mantissa, exponent 127
    assert ns["limit"] == pytest.approx(88.7228, abs=1e-4)
    assert (ns["below"], ns["above"]) == (88, 89)
    assert torch.isfinite(torch.exp(torch.tensor(ns["limit"] - 1e-3)))
    assert torch.isinf(torch.exp(torch.tensor(ns["limit"] + 1e-3)))


@pytest.mark.parametrize("top", [88.0, 88.72])
def test_the_naive_softmax_is_finite_below_the_threshold(top):
    weights = naive_softmax(torch.tensor([top, 0.0, -5.0]))
    assert torch.isfinite(weights).all()
    torch.testing.assert_close(weights, torch.softmax(torch.tensor([top, 0.0, -5.0]), dim=0))


@pytest.mark.parametrize("top", [88.73, 89.0, 100.0, 1000.0])
def test_the_naive_softmax_is_not_finite_past_the_threshold_where_torch_softmax_is(top):
    scores = torch.tensor([top, 0.0, -5.0])
    assert not torch.isfinite(naive_softmax(scores)).all()
    assert torch.isfinite(torch.softmax(scores, dim=0)).all()


def test_ten_times_longer_embeddings_make_every_score_100_times_larger(walkthroughs):
    ns = walkthrough(walkthroughs, "questions.overflow")
    torch.testing.assert_close(ns["big_scores"], 100 * (inputs @ inputs[1]), rtol=1e-5, atol=1e-4)
    assert ns["big_scores"].max() > ns["limit"]


def test_the_naive_softmax_gives_nan_above_the_threshold_and_zero_below_on_the_pages_scores(walkthroughs):
    ns = walkthrough(walkthroughs, "questions.overflow")
    scores, limit = ns["big_scores"], ns["limit"]
    naive = naive_softmax(scores)
    above = scores > limit
    assert above.any() and (~above).any()
    assert torch.isnan(naive[above]).all()
    assert torch.equal(naive[~above], torch.zeros(int((~above).sum())))


def test_torch_softmax_stays_finite_and_equals_the_naive_formula_after_subtracting_the_max(walkthroughs):
    ns = walkthrough(walkthroughs, "questions.overflow")
    scores, stable = ns["big_scores"], ns["stable"]
    weights = torch.softmax(scores, dim=0)
    assert torch.isfinite(weights).all() and weights.sum().item() == pytest.approx(1.0, abs=1e-6)
    torch.testing.assert_close(stable, weights)
    exps = torch.exp(ns["shifted"])
    assert exps.max() == 1 and (exps <= 1).all()  # the largest exponent is 0, the others below


@pytest.mark.parametrize("shift", [-50.0, 3.0, 1000.0])
def test_subtracting_a_constant_changes_no_softmax_weight(shift):
    scores = inputs @ inputs[1]  # 3.3's scores for "journey"
    torch.testing.assert_close(torch.softmax(scores - shift, dim=0), torch.softmax(scores, dim=0))


# 3.4: x @ W_query or W_q x, nn.Linear's weight, rows or columns


def test_the_column_form_with_w_query_transposed_gives_the_books_query(walkthroughs):
    ns = walkthrough(walkthroughs, "chapter.trainable_attention")
    W_query, W_q, x_2 = ns["W_query"], ns["W_q"], ns["x_2"]
    assert tuple(W_query.shape) == (3, 2) and tuple(W_q.shape) == (2, 3)
    assert torch.equal(W_q, W_query.T)
    book_query_2 = torch.tensor([0.4306, 1.4551])  # printed in the book
    torch.testing.assert_close(W_q @ x_2, book_query_2, atol=1e-4, rtol=0)
    torch.testing.assert_close(x_2 @ W_query, book_query_2, atol=1e-4, rtol=0)
    columns = W_q @ inputs.T  # one query per column
    torch.testing.assert_close(columns.T, inputs @ W_query)
    for i in range(len(inputs)):
        torch.testing.assert_close(columns[:, i], inputs[i] @ W_query)


def test_a_1d_tensor_goes_on_either_side_of_at_where_a_2d_row_does_not(walkthroughs):
    ns = walkthrough(walkthroughs, "chapter.trainable_attention")
    W_query, W_q, x_2 = ns["W_query"], ns["W_q"], ns["x_2"]
    assert x_2.dim() == 1
    assert (W_q @ x_2).shape == (x_2 @ W_query).shape == (2,)
    row = x_2.unsqueeze(0)  # (1, 3): a row, which fits only on the left
    assert (row @ W_query).shape == (1, 2)
    with pytest.raises(RuntimeError):
        W_q @ row


@pytest.mark.parametrize(("d_in", "d_out"), [(3, 2), (768, 64)])
def test_nn_linear_keeps_its_weight_as_d_out_by_d_in_and_computes_w_x_for_a_token(d_in, d_out):
    torch.manual_seed(0)
    linear = nn.Linear(d_in, d_out, bias=False)
    x = torch.rand(d_in)
    X = torch.rand(5, d_in)
    assert tuple(linear.weight.shape) == (d_out, d_in)
    with torch.no_grad():
        torch.testing.assert_close(linear(x), linear.weight @ x)  # the column form, W x
        torch.testing.assert_close(linear(X), X @ linear.weight.T)  # tokens in rows: x @ weight.T


def test_the_pages_nn_linear_shows_the_same(walkthroughs):
    ns = walkthrough(walkthroughs, "chapter.trainable_attention")
    linear, x_2 = ns["linear"], ns["x_2"]
    assert tuple(linear.weight.shape) == (ns["d_out"], ns["d_in"])
    with torch.no_grad():
        torch.testing.assert_close(linear(x_2), linear.weight @ x_2)


def test_the_chapters_weights_rows_sum_to_one_and_their_columns_do_not(walkthroughs):
    weights = walkthrough(walkthroughs, "chapter.trainable_attention")["attn_weights"]
    torch.testing.assert_close(weights.sum(dim=-1), torch.ones(6))
    assert not torch.allclose(weights.sum(dim=0), torch.ones(6), atol=0.05)


def test_the_column_layout_softmaxed_down_columns_is_the_chapters_matrix_transposed(walkthroughs):
    ns = walkthrough(walkthroughs, "chapter.trainable_attention")
    by_column, weights = ns["weights_by_column"], ns["attn_weights"]
    torch.testing.assert_close(by_column.sum(dim=0), torch.ones(6))
    torch.testing.assert_close(by_column, weights.T)
    # and from scratch, with the column-vector matrices W_q, W_k and tokens as columns
    W_q, W_k = ns["W_query"].T, ns["W_key"].T
    Q, K = W_q @ inputs.T, W_k @ inputs.T  # (d_out, tokens)
    torch.testing.assert_close(torch.softmax(K.T @ Q / math.sqrt(2), dim=0), weights.T)


def test_the_formula_softmax_qkt_v_holds_one_token_per_row(walkthroughs):
    ns = walkthrough(walkthroughs, "chapter.trainable_attention")
    queries, keys, values = ns["queries"], ns["keys"], ns["values"]
    assert queries.shape == keys.shape == values.shape == (6, 2)
    torch.testing.assert_close(queries[1], ns["query_2"])
    context = torch.softmax(queries @ keys.T / math.sqrt(ns["d_k"]), dim=-1) @ values
    torch.testing.assert_close(context[1], ns["context_vec_2"])


def test_self_attention_v1_holds_three_parameter_matrices_and_v2_three_linear_layers():
    """3.4.2's introduction: v1 keeps the matrices as parameters, v2 uses nn.Linear."""
    v1, v2 = SelfAttention_v1(3, 2), SelfAttention_v2(3, 2)
    assert {name: tuple(p.shape) for name, p in v1.named_parameters()} == {
        "W_query": (3, 2), "W_key": (3, 2), "W_value": (3, 2)}
    assert [type(child) for child in v2.children()] == [nn.Linear] * 3
