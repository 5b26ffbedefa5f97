"""The 3.5 and 3.6 pages: 3.6 shows the book's own 4-D product (their subsection numbers are checked in
test_book_subsections.py), and the claims of the two questions answered there (padding masks beside the causal mask, and
scaling each head's scores by √head_dim) hold, each checked against an independent computation."""

import math

import pytest
import torch
from test_book_subsections import EDITIONS, outline
from torch import nn

from snippets.attention import MultiHeadAttention, SelfAttention_v2, causal_mask
from snippets.sentence import inputs


def namespace(walkthroughs, name):
    return walkthroughs[name].namespace


# 3.6: the book's own 4-D product


def test_the_books_4d_product_is_one_gram_matrix_per_head(walkthroughs):
    ns = namespace(walkthroughs, "chapter.multihead_attention")
    a = ns["a"]
    assert a.shape == (1, 2, 3, 4)  # (b, num_heads, num_tokens, head_dim)
    product = a @ a.transpose(2, 3)
    by_sums = torch.einsum("bhid,bhjd->bhij", a, a)
    torch.testing.assert_close(product, by_sums)
    torch.testing.assert_close(product[0, 0], ns["first_res"])
    torch.testing.assert_close(product[0, 1], ns["second_res"])


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_books_product_is_shown_right_after_the_sites_check_on_the_runs_queries_and_keys(edition):
    blocks = [item[1] for item in outline(f"multi-head-attention.{edition}") if item[0] == "block"]
    start = blocks.index("chapter.multihead_attention:per_head_scores")
    assert blocks[start + 1:start + 3] == ["chapter.multihead_attention:book_heads_product",
                                           "chapter.multihead_attention:book_heads_separately"]


# 3.5: padding masks and the causal mask


def test_the_padding_mask_hides_each_texts_pad_columns_in_every_row(walkthroughs):
    ns = namespace(walkthroughs, "questions.padding")
    pads = [[], [4, 5], [0, 1]]  # no padding, right padding, left padding
    hide_pads = ns["hide_pads"].expand(3, 6, 6)
    for text, columns in enumerate(pads):
        expected = torch.zeros(6, 6, dtype=torch.bool)
        expected[:, columns] = True
        assert torch.equal(hide_pads[text], expected), f"text {text}"
    torch.testing.assert_close(ns["padded"][1, 4:], torch.zeros(2, 3))
    torch.testing.assert_close(ns["padded"][2, 2:], inputs[:4])


def test_the_causal_mask_hides_exactly_the_future_the_same_for_every_text(walkthroughs):
    future = namespace(walkthroughs, "questions.padding")["future"]
    i, j = torch.meshgrid(torch.arange(6), torch.arange(6), indexing="ij")
    assert torch.equal(future, j > i)
    assert future.dim() == 2  # one triangle, broadcast over the batch


def test_the_combined_mask_hides_a_position_when_either_mask_hides_it(walkthroughs):
    ns = namespace(walkthroughs, "questions.padding")
    for text in range(3):
        for row in range(6):
            for column in range(6):
                either = bool(column > row or ns["is_pad"][text, column])
                assert bool(ns["hidden"][text, row, column]) == either, (text, row, column)


def test_softmax_of_a_row_of_minus_infinity_is_nan():
    assert torch.softmax(torch.full((5,), -torch.inf), dim=0).isnan().all()


def test_nan_rows_appear_exactly_where_every_position_is_hidden(walkthroughs):
    ns = namespace(walkthroughs, "questions.padding")
    nan_rows = ns["weights"].isnan().all(dim=-1)
    assert torch.equal(nan_rows, ns["hidden"].all(dim=-1))
    assert nan_rows.nonzero().tolist() == [[2, 0], [2, 1]]  # the left-padded text's two leading pads
    assert not ns["weights"][~nan_rows].isnan().any(), "a row that sees something has no NaN at all"


def test_right_padding_leaves_no_row_fully_hidden_and_left_padding_hides_its_leading_pads():
    for length in range(1, 6):
        for pads in range(1, 7 - length):
            n = length + pads
            right = torch.tensor([False] * length + [True] * pads)
            left = torch.tensor([True] * pads + [False] * length)
            assert not (causal_mask(n) | right).all(dim=-1).any()
            assert torch.equal((causal_mask(n) | left).all(dim=-1), left)


@pytest.mark.parametrize("n", [1, 2, 6, 33])
def test_the_causal_mask_alone_never_gives_a_nan_row(walkthroughs, n):
    assert not namespace(walkthroughs, "questions.padding")["causal_only"].isnan().any()
    generator = torch.Generator().manual_seed(n)
    scores = torch.randn(4, n, n, generator=generator) * 30
    assert not torch.softmax(scores.masked_fill(causal_mask(n), -torch.inf), dim=-1).isnan().any()
    assert not causal_mask(n).diagonal().any()


def padded_weights(ns, pad=None, fix=lambda weights, hidden: weights):
    """Weights and context of the walk-through's padded batch, recomputed here, with grad enabled."""
    padded = ns["padded"].clone()
    if pad is not None:
        padded[1, 4:] = pad
        padded[2, :2] = pad
    torch.manual_seed(789)
    sa = SelfAttention_v2(3, 2)
    queries, keys, values = sa.W_query(padded), sa.W_key(padded), sa.W_value(padded)
    scores = queries @ keys.transpose(1, 2) / math.sqrt(2)
    weights = fix(torch.softmax(scores.masked_fill(ns["hidden"], -torch.inf), dim=-1), ns["hidden"])
    return sa, weights, weights @ values


def zero_rows_that_see_nothing(weights, hidden):
    return weights.masked_fill(hidden.all(dim=-1, keepdim=True), 0.0)


def test_the_recomputation_matches_the_walkthrough(walkthroughs):
    ns = namespace(walkthroughs, "questions.padding")
    _, weights, context = padded_weights(ns, fix=zero_rows_that_see_nothing)
    torch.testing.assert_close(weights.detach(), ns["safe_weights"])
    torch.testing.assert_close(context.detach(), ns["context"])


def test_a_nan_row_makes_the_whole_gradient_of_w_value_nan(walkthroughs):
    sa, _, context = padded_weights(namespace(walkthroughs, "questions.padding"))
    assert context[2, :2].isnan().all() and not context[2, 2:].isnan().any()
    context.sum().backward()
    assert sa.W_value.weight.grad.isnan().all()


def test_the_remedy_gives_finite_weights_zero_rows_and_zero_context_for_the_pads(walkthroughs):
    ns = namespace(walkthroughs, "questions.padding")
    assert ns["safe_weights"].isfinite().all()
    sees_nothing = ns["hidden"].all(dim=-1)
    assert (ns["safe_weights"][sees_nothing] == 0).all()
    assert (ns["context"][sees_nothing] == 0).all()
    sums = ns["safe_weights"][~sees_nothing].sum(dim=-1)
    torch.testing.assert_close(sums, torch.ones_like(sums))


def test_after_the_remedy_every_gradient_is_finite(walkthroughs):
    sa, _, context = padded_weights(namespace(walkthroughs, "questions.padding"), fix=zero_rows_that_see_nothing)
    context.sum().backward()
    assert all(parameter.grad.isfinite().all() for parameter in sa.parameters())


def test_real_tokens_get_the_weights_they_get_without_padding_wherever_the_padding_sits(walkthroughs):
    weights = namespace(walkthroughs, "questions.padding")["safe_weights"]
    torch.manual_seed(789)
    sa = SelfAttention_v2(3, 2)
    with torch.no_grad():  # the four tokens alone, no padding and no padding mask
        scores = sa.W_query(inputs[:4]) @ sa.W_key(inputs[:4]).T / math.sqrt(2)
    alone = torch.softmax(scores.masked_fill(causal_mask(4), -torch.inf), dim=-1)
    torch.testing.assert_close(weights[1, :4, :4], alone)  # right padding
    torch.testing.assert_close(weights[2, 2:, 2:], alone)  # left padding
    assert (weights[1, :, 4:] == 0).all() and (weights[2, :, :2] == 0).all()


def test_a_different_pad_embedding_leaves_the_real_tokens_outputs_unchanged(walkthroughs):
    ns = namespace(walkthroughs, "questions.padding")
    _, _, zeros_as_pads = padded_weights(ns, fix=zero_rows_that_see_nothing)
    _, _, other_pads = padded_weights(ns, pad=torch.tensor([5.0, -3.0, 0.7]), fix=zero_rows_that_see_nothing)
    real = ~ns["is_pad"]
    torch.testing.assert_close(other_pads.detach()[real], zeros_as_pads.detach()[real])
    assert not torch.allclose(ns["padded"][1, 4], torch.tensor([5.0, -3.0, 0.7]))


def test_nan_to_num_gives_the_same_weights_here(walkthroughs):
    ns = namespace(walkthroughs, "questions.padding")
    torch.testing.assert_close(torch.nan_to_num(ns["weights"]), ns["safe_weights"])


def test_never_hiding_the_querys_own_position_avoids_nan_rows(walkthroughs):
    ns = namespace(walkthroughs, "questions.padding")
    keep_diagonal = ns["hidden"] & ~torch.eye(6, dtype=torch.bool)
    weights = torch.softmax(ns["scores"].masked_fill(keep_diagonal, -torch.inf), dim=-1)
    assert weights.isfinite().all()
    torch.testing.assert_close(weights[2, 0], torch.eye(6)[0])  # a leading pad attends to itself


def test_pytorchs_multihead_attention_returns_nan_weights_where_a_mask_hides_everything():
    """PyTorch issue #160064, reproduced with the pinned PyTorch: asked for its weights, nn.MultiheadAttention
    returns NaN for a head whose mask hides every position."""
    torch.manual_seed(0)
    x = torch.randn(1, 5, 3)
    mask = torch.tensor([False, False, True]).view(-1, 1, 1).expand(-1, 5, 5)  # True: hidden, head 2 sees nothing
    attention = nn.MultiheadAttention(3, 3, batch_first=True)
    _, weights = attention(x, x, x, attn_mask=mask, need_weights=True, average_attn_weights=False)
    assert weights[0, 2].isnan().all()
    assert weights[0, :2].isfinite().all()


# 3.6: scaling by √head_dim, not √d_model


def test_the_head_split_is_gpt2_sized(walkthroughs):
    ns = namespace(walkthroughs, "questions.head_scaling")
    assert (ns["d_model"], ns["num_heads"], ns["head_dim"]) == (768, 12, 64)
    assert ns["q"].shape[-1] == ns["k"].shape[-1] == ns["head_dim"]


def test_scores_divided_by_root_head_dim_have_variance_near_one(walkthroughs):
    ns = namespace(walkthroughs, "questions.head_scaling")
    assert ns["measured"]["head_dim"][0] == pytest.approx(1.0, abs=0.05)
    assert (ns["dots"] / 8).var().item() == pytest.approx(ns["measured"]["head_dim"][0], rel=1e-5)


def test_scores_divided_by_root_d_model_have_variance_near_one_over_num_heads(walkthroughs):
    ns = namespace(walkthroughs, "questions.head_scaling")
    assert ns["measured"]["d_model"][0] == pytest.approx(1 / 12, rel=0.05)
    generator = torch.Generator().manual_seed(2024)  # an independent draw
    q, k = torch.randn(2, 12, 512, 64, generator=generator)
    assert (q @ k.transpose(1, 2) / math.sqrt(768)).var().item() == pytest.approx(1 / 12, rel=0.05)


def test_root_d_model_makes_every_score_root_num_heads_times_smaller(walkthroughs):
    ns = namespace(walkthroughs, "questions.head_scaling")
    ratio = (ns["dots"] / ns["head_dim"] ** 0.5) / (ns["dots"] / ns["d_model"] ** 0.5)
    torch.testing.assert_close(ratio, torch.full_like(ratio, math.sqrt(12)))
    assert (ns["d_model"] / ns["head_dim"]) ** 0.5 == pytest.approx(3.464, abs=1e-3)


def test_root_d_model_flattens_the_weights_towards_equal(walkthroughs):
    ns = namespace(walkthroughs, "questions.head_scaling")
    (_, largest_h, in_use_h), (_, largest_d, in_use_d) = ns["measured"]["head_dim"], ns["measured"]["d_model"]
    equal = 1 / ns["num_keys"]
    assert largest_d < largest_h / 2
    assert abs(largest_d - equal) < abs(largest_h - equal) / 3
    assert in_use_h < in_use_d <= ns["num_keys"]
    assert in_use_d > 0.9 * ns["num_keys"] and in_use_h < 0.75 * ns["num_keys"]


def test_keys_in_use_is_n_for_equal_weights_on_n_keys(walkthroughs):
    spread = namespace(walkthroughs, "questions.head_scaling")["spread"]
    for n in (1, 4, 16):
        scores = torch.zeros(3, n)  # softmax gives 1/n each
        _, largest, in_use = spread(scores)
        assert largest == pytest.approx(1 / n) and in_use == pytest.approx(n, rel=1e-5)


def test_the_chapters_class_divides_by_root_head_dim(walkthroughs):
    ns = namespace(walkthroughs, "questions.head_scaling")
    mha, x = ns["gpt2_heads"], ns["x"]
    assert mha.split_heads(mha.W_key(x)).shape[-1] == mha.head_dim == 64  # the book's keys.shape[-1]
    with torch.no_grad():
        out = mha(x)
        by_hand = {name: ns["attend"](mha, x, width**0.5) for name, width in (("head_dim", 64), ("d_model", 768))}
    torch.testing.assert_close(by_hand["head_dim"], out)
    assert (by_hand["d_model"] - out).abs().max() > 1e-3


def test_the_chapters_class_agrees_with_pytorchs_default_scale_which_is_the_query_width():
    """An independent reference: scaled_dot_product_attention divides by √(the query's last axis)."""
    torch.manual_seed(5)
    mha = MultiHeadAttention(d_in=48, d_out=48, context_length=7, dropout=0.0, num_heads=4).eval()
    x = torch.randn(2, 7, 48)
    with torch.no_grad():
        q, k, v = (mha.split_heads(W(x)) for W in (mha.W_query, mha.W_key, mha.W_value))
        context = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        reference = mha.out_proj(context.transpose(1, 2).reshape(2, 7, 48))
        torch.testing.assert_close(mha(x), reference)
