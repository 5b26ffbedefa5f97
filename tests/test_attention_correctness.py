"""The attention code is right, not just stable: each class agrees with an independent computation."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from snippets.attention import (
    CausalAttention,
    MultiHeadAttention,
    MultiHeadAttentionWrapper,
    SelfAttention_v1,
    SelfAttention_v2,
    causal_mask,
)
from snippets.sentence import inputs


def batch_of(num_texts=2, num_tokens=6, d_in=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(num_texts, num_tokens, d_in, generator=generator)


def test_v1_equals_v2_once_v2s_weights_are_copied_transposed_into_v1():
    torch.manual_seed(789)
    sa_v2 = SelfAttention_v2(3, 2)
    sa_v1 = SelfAttention_v1(3, 2)
    assert not torch.allclose(sa_v1(inputs), sa_v2(inputs)), "outputs agree before copying: test is vacuous"
    with torch.no_grad():
        sa_v1.W_query.copy_(sa_v2.W_query.weight.T)
        sa_v1.W_key.copy_(sa_v2.W_key.weight.T)
        sa_v1.W_value.copy_(sa_v2.W_value.weight.T)
    torch.testing.assert_close(sa_v1(inputs), sa_v2(inputs))


def test_nn_linear_stores_its_weight_as_d_out_by_d_in():
    assert nn.Linear(3, 2, bias=False).weight.shape == (2, 3)


@pytest.mark.parametrize("num_tokens", [1, 2, 6, 17])
def test_minus_inf_masking_equals_renormalising_after_softmax(num_tokens):
    scores = torch.randn(num_tokens, num_tokens, generator=torch.Generator().manual_seed(num_tokens))
    keep = torch.tril(torch.ones(num_tokens, num_tokens))
    renormalised = torch.softmax(scores, dim=-1) * keep
    renormalised = renormalised / renormalised.sum(dim=-1, keepdim=True)
    masked_first = torch.softmax(scores.masked_fill(causal_mask(num_tokens), -torch.inf), dim=-1)
    torch.testing.assert_close(masked_first, renormalised)


def test_filling_with_zero_instead_of_minus_inf_leaks_weight_to_the_future():
    scores = torch.randn(6, 6, generator=torch.Generator().manual_seed(1))
    leaky = torch.softmax(scores.masked_fill(causal_mask(6), 0.0), dim=-1)
    assert leaky[0, 1:].sum() > 0.5  # the first token gives most of its weight to tokens it must not see


def test_causal_mask_hides_exactly_the_positions_after_the_query():
    mask = causal_mask(4)
    assert mask.dtype == torch.bool
    assert mask.tolist() == [[j > i for j in range(4)] for i in range(4)]


def make(kind, dropout=0.0, context_length=6, d_in=3):
    torch.manual_seed(123)
    if kind == "CausalAttention":
        return CausalAttention(d_in, 4, context_length, dropout)
    if kind == "MultiHeadAttentionWrapper":
        return MultiHeadAttentionWrapper(d_in, 2, context_length, dropout, num_heads=2)
    return MultiHeadAttention(d_in, 4, context_length, dropout, num_heads=2)


CAUSAL_KINDS = ["CausalAttention", "MultiHeadAttentionWrapper", "MultiHeadAttention"]


@pytest.mark.parametrize("kind", CAUSAL_KINDS)
@pytest.mark.parametrize("changed", range(6))
def test_no_output_position_changes_when_a_later_token_changes(kind, changed):
    module = make(kind).eval()
    x = batch_of()
    edited = x.clone()
    edited[:, changed] += torch.randn(3, generator=torch.Generator().manual_seed(changed)) * 5
    before, after = module(x), module(edited)
    torch.testing.assert_close(after[:, :changed], before[:, :changed], rtol=0, atol=0)
    assert not torch.allclose(after[:, changed], before[:, changed]), "the edited token itself must change"


@pytest.mark.parametrize(("d_out", "num_heads"), [(2, 2), (4, 2), (12, 3), (8, 8)])
def test_multihead_attention_equals_scaled_dot_product_attention(d_out, num_heads):
    torch.manual_seed(0)
    mha = MultiHeadAttention(5, d_out, context_length=10, dropout=0.0, num_heads=num_heads)
    x = batch_of(num_texts=3, num_tokens=7, d_in=5, seed=4)
    q, k, v = (mha.split_heads(proj(x)) for proj in (mha.W_query, mha.W_key, mha.W_value))
    reference = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    reference = mha.out_proj(reference.transpose(1, 2).reshape(3, 7, d_out))
    torch.testing.assert_close(mha(x), reference)


@pytest.mark.parametrize("kind", CAUSAL_KINDS)
def test_dropout_is_the_identity_in_eval_mode(kind):
    x = batch_of()
    with_dropout = make(kind, dropout=0.5).eval()
    without = make(kind, dropout=0.0).eval()
    torch.testing.assert_close(with_dropout(x), without(x), rtol=0, atol=0)
    assert not torch.allclose(with_dropout.train()(x), without(x)), "dropout had no effect in training"


def test_dropout_keeps_survivors_scaled_by_one_over_keep_probability():
    torch.manual_seed(5)
    dropped = nn.Dropout(0.25)(torch.ones(1000))
    survivors = dropped[dropped != 0]
    torch.testing.assert_close(survivors, torch.full_like(survivors, 1 / 0.75))
    assert 0.2 < (dropped == 0).float().mean() < 0.3


def test_causal_attention_first_output_row_is_the_first_tokens_value_vector(walkthroughs):
    ns = walkthroughs["chapter.causal_attention"].namespace
    torch.testing.assert_close(ns["context_vecs"][:, 0], ns["ca"].W_value(ns["batch"][:, 0]))


def test_wrapper_first_head_is_the_causal_attention_of_section_3_5(walkthroughs):
    wrapper_out = walkthroughs["chapter.multihead_attention"].namespace["wrapper"](inputs.expand(2, 6, 3))
    causal_out = walkthroughs["chapter.causal_attention"].namespace["context_vecs"]
    torch.testing.assert_close(wrapper_out[..., :2], causal_out)


@pytest.mark.parametrize("kind", ["CausalAttention", "MultiHeadAttention"])
def test_the_mask_is_a_buffer_saved_and_moved_but_never_trained(kind):
    module = make(kind)
    assert "mask" in module.state_dict()
    assert all(parameter is not module.mask for parameter in module.parameters())
    assert not module.mask.requires_grad
    assert module.to("meta").mask.device.type == "meta"


def test_rows_of_attention_weights_sum_to_one(walkthroughs):
    weights = walkthroughs["chapter.simple_attention"].namespace["attn_weights"]
    torch.testing.assert_close(weights.sum(dim=-1), torch.ones(6))


def test_multi_head_attention_starts_from_the_wrappers_first_head_with_the_same_seed():
    """3.6: with the same seed, MultiHeadAttention's query, key and value weights are the wrapper's first
    head's; its outputs differ because it splits them into two heads and adds out_proj."""
    torch.manual_seed(123)
    wrapper = MultiHeadAttentionWrapper(3, 2, context_length=6, dropout=0.0, num_heads=2)
    torch.manual_seed(123)
    mha = MultiHeadAttention(3, 2, context_length=6, dropout=0.0, num_heads=2)
    first = wrapper.heads[0]
    for name in ("W_query", "W_key", "W_value"):
        assert torch.equal(getattr(mha, name).weight, getattr(first, name).weight), name
    assert not torch.equal(wrapper.heads[1].W_query.weight, first.W_query.weight)
