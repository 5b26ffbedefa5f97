"""Bad input gets a ValueError that names the problem, not a shape error from inside torch."""

import re

import pytest
import torch

from snippets.attention import (
    CausalAttention,
    MultiHeadAttention,
    MultiHeadAttentionWrapper,
    SelfAttention_v1,
    SelfAttention_v2,
)

BATCHED = {
    "CausalAttention": lambda: CausalAttention(3, 2, context_length=6, dropout=0.0),
    "MultiHeadAttentionWrapper": lambda: MultiHeadAttentionWrapper(3, 2, 6, 0.0, num_heads=2),
    "MultiHeadAttention": lambda: MultiHeadAttention(3, 2, 6, 0.0, num_heads=2),
}
UNBATCHED = {
    "SelfAttention_v1": lambda: SelfAttention_v1(3, 2),
    "SelfAttention_v2": lambda: SelfAttention_v2(3, 2),
}


@pytest.mark.parametrize("kind", BATCHED)
def test_a_sequence_longer_than_context_length_is_refused(kind):
    with pytest.raises(ValueError, match=r"7 tokens, more than context_length=6"):
        BATCHED[kind]()(torch.rand(2, 7, 3))


@pytest.mark.parametrize("kind", BATCHED)
def test_a_shorter_sequence_uses_the_corner_of_the_mask(kind):
    assert BATCHED[kind]()(torch.rand(2, 4, 3)).shape[:2] == (2, 4)


@pytest.mark.parametrize(("d_out", "num_heads"), [(5, 2), (2, 3), (4, 0)])
def test_d_out_not_divisible_by_num_heads_is_refused(d_out, num_heads):
    with pytest.raises(ValueError, match=rf"d_out={d_out} must be divisible by num_heads={num_heads}"):
        MultiHeadAttention(3, d_out, 6, 0.0, num_heads=num_heads)


def test_a_wrapper_without_heads_is_refused():
    with pytest.raises(ValueError, match="num_heads must be at least 1, got 0"):
        MultiHeadAttentionWrapper(3, 2, 6, 0.0, num_heads=0)


@pytest.mark.parametrize("kind", BATCHED)
@pytest.mark.parametrize("shape", [(6, 3), (1, 2, 6, 3)])
def test_batched_modules_refuse_the_wrong_rank(kind, shape):
    message = f"expected a 3-D input shaped (batch, num_tokens, d_in), got shape {shape}"
    with pytest.raises(ValueError, match=re.escape(message)):
        BATCHED[kind]()(torch.rand(*shape))


@pytest.mark.parametrize("kind", UNBATCHED)
def test_unbatched_modules_refuse_a_batch(kind):
    message = "expected a 2-D input shaped (num_tokens, d_in), got shape (2, 6, 3)"
    with pytest.raises(ValueError, match=re.escape(message)):
        UNBATCHED[kind]()(torch.rand(2, 6, 3))


@pytest.mark.parametrize("kind", [*BATCHED, *UNBATCHED])
def test_inputs_of_the_wrong_width_are_refused(kind):
    module = {**BATCHED, **UNBATCHED}[kind]()
    shape = (2, 6, 4) if kind in BATCHED else (6, 4)
    with pytest.raises(ValueError, match=r"expected inputs of width d_in=3, got width 4"):
        module(torch.rand(*shape))


def test_something_that_is_not_a_tensor_is_refused():
    with pytest.raises(ValueError, match="expected a torch.Tensor, got list"):
        SelfAttention_v1(3, 2)([[0.1, 0.2, 0.3]])
