"""The faster attention modules compute the chapter's function: same weights in, same outputs out."""

import re

import pytest
import torch

from snippets.attention import MultiHeadAttention, MultiHeadAttentionWrapper
from snippets.efficient_attention import (
    FusedQKVAttention,
    SDPAttention,
    TorchMultiheadAttention,
    WrapperWithProjection,
    copy_weights,
    same_as,
)

NEW_KINDS = [WrapperWithProjection, FusedQKVAttention, SDPAttention, TorchMultiheadAttention]
IDS = [kind.__name__ for kind in NEW_KINDS]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}  # float32: different summation orders, same function


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """These tensors are small: a second thread saves nothing, and on a busy machine waiting for a
    second core to come free made this file several times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def batch_of(num_texts, num_tokens, d_in, seed=0):
    return torch.randn(num_texts, num_tokens, d_in, generator=torch.Generator().manual_seed(seed))


def chapter_mha(d_in, d_out, num_heads, qkv_bias=False, dropout=0.0, context_length=16, seed=123):
    torch.manual_seed(seed)
    return MultiHeadAttention(d_in, d_out, context_length, dropout, num_heads, qkv_bias).eval()


def context_before_out_proj(mha, x):
    """What the chapter MHA feeds its out_proj: the heads' context vectors, side by side."""
    seen = []
    handle = mha.out_proj.register_forward_hook(lambda module, inputs, output: seen.append(inputs[0]))
    try:
        mha(x)
    finally:
        handle.remove()
    return seen[0]


# (d_in, d_out, num_heads, qkv_bias, batch, num_tokens): GPT-2-small width at a short length, a
# small odd-sized case, and a case with query/key/value biases.
SIZES = [(768, 768, 12, False, 2, 16), (6, 6, 3, False, 3, 5), (8, 8, 2, True, 2, 7)]


@pytest.mark.parametrize("kind", NEW_KINDS, ids=IDS)
@pytest.mark.parametrize(("d_in", "d_out", "num_heads", "qkv_bias", "batch", "num_tokens"), SIZES)
def test_same_weights_give_the_same_outputs(kind, d_in, d_out, num_heads, qkv_bias, batch, num_tokens):
    mha = chapter_mha(d_in, d_out, num_heads, qkv_bias)
    other = same_as(mha, kind).eval()
    x = batch_of(batch, num_tokens, d_in)
    with torch.no_grad():
        expected = mha(x)
        # Weights were drawn independently before the copy, so the comparison is not vacuous.
        assert not torch.allclose(kind(d_in, d_out, 16, 0.0, num_heads, qkv_bias).eval()(x), expected)
        torch.testing.assert_close(other(x), expected, **TOLERANCE)


@pytest.mark.parametrize("kind", [WrapperWithProjection, FusedQKVAttention, SDPAttention], ids=IDS[:3])
def test_d_in_may_differ_from_d_out(kind):
    mha = chapter_mha(5, 8, num_heads=2)
    x = batch_of(2, 6, 5)
    torch.testing.assert_close(same_as(mha, kind).eval()(x), mha(x), **TOLERANCE)


def test_the_bare_wrapper_reproduces_the_context_before_out_proj():
    mha = chapter_mha(768, 768, 12)
    wrapper = same_as(mha, MultiHeadAttentionWrapper).eval()
    x = batch_of(2, 16, 768)
    with torch.no_grad():
        torch.testing.assert_close(wrapper(x), context_before_out_proj(mha, x), **TOLERANCE)


@pytest.mark.parametrize("kind", NEW_KINDS, ids=IDS)
def test_same_weights_give_the_same_gradients(kind):
    mha = chapter_mha(12, 12, num_heads=3, qkv_bias=True)
    other = same_as(mha, kind)
    grad_output = batch_of(2, 9, 12, seed=1)
    grads = []
    for module in (mha, other):
        x = batch_of(2, 9, 12).requires_grad_()
        module(x).backward(grad_output)
        grads.append(x.grad)
    torch.testing.assert_close(grads[1], grads[0], **TOLERANCE)


@pytest.mark.parametrize("kind", NEW_KINDS, ids=IDS)
@pytest.mark.parametrize("changed", range(6))
def test_no_output_position_changes_when_a_later_token_changes(kind, changed):
    module = same_as(chapter_mha(8, 8, num_heads=2), kind).eval()
    x = batch_of(2, 6, 8)
    edited = x.clone()
    edited[:, changed] += batch_of(1, 1, 8, seed=changed + 1)[0, 0] * 5
    with torch.no_grad():
        before, after = module(x), module(edited)
    torch.testing.assert_close(after[:, :changed], before[:, :changed], rtol=0, atol=0)
    assert not torch.allclose(after[:, changed], before[:, changed]), "the edited token itself must change"


@pytest.mark.parametrize("kind", NEW_KINDS, ids=IDS)
def test_dropout_is_the_identity_in_eval_mode(kind):
    x = batch_of(2, 6, 8)
    with_dropout = same_as(chapter_mha(8, 8, num_heads=2, dropout=0.5), kind).eval()
    without = same_as(chapter_mha(8, 8, num_heads=2, dropout=0.0), kind).eval()
    torch.testing.assert_close(with_dropout(x), without(x), rtol=0, atol=0)
    assert not torch.allclose(with_dropout.train()(x), without(x)), "dropout had no effect in training"


def make(kind):
    return kind(3, 4, 6, 0.0, num_heads=2) if kind is not TorchMultiheadAttention else kind(4, 4, 6, 0.0, num_heads=2)


@pytest.mark.parametrize("kind", NEW_KINDS, ids=IDS)
def test_bad_input_gets_the_chapters_messages(kind):
    module = make(kind)
    d_in = 4 if kind is TorchMultiheadAttention else 3
    with pytest.raises(ValueError, match=r"7 tokens, more than context_length=6"):
        module(torch.rand(2, 7, d_in))
    for shape in [(6, d_in), (1, 2, 6, d_in)]:
        message = f"expected a 3-D input shaped (batch, num_tokens, d_in), got shape {shape}"
        with pytest.raises(ValueError, match=re.escape(message)):
            module(torch.rand(*shape))
    with pytest.raises(ValueError, match=rf"expected inputs of width d_in={d_in}, got width {d_in + 1}"):
        module(torch.rand(2, 6, d_in + 1))
    with pytest.raises(ValueError, match="expected a torch.Tensor, got list"):
        module([[0.1] * d_in])
    assert module(torch.rand(2, 4, d_in)).shape == (2, 4, 4)  # shorter than context_length is fine


@pytest.mark.parametrize("kind", NEW_KINDS, ids=IDS)
@pytest.mark.parametrize(("d_out", "num_heads"), [(5, 2), (4, 0)])
def test_d_out_not_divisible_by_num_heads_is_refused(kind, d_out, num_heads):
    with pytest.raises(ValueError, match=rf"d_out={d_out} must be divisible by num_heads={num_heads}"):
        kind(d_out, d_out, 6, 0.0, num_heads=num_heads)


def test_torch_multihead_attention_refuses_d_in_other_than_d_out():
    with pytest.raises(ValueError, match="needs d_in == d_out, got d_in=3 and d_out=4"):
        TorchMultiheadAttention(3, 4, 6, 0.0, num_heads=2)


def test_copy_weights_refuses_mismatched_targets():
    mha = chapter_mha(8, 8, num_heads=2)
    with pytest.raises(ValueError, match=r"qkv.weight: the target has shape \(24, 6\)"):
        copy_weights(mha, FusedQKVAttention(6, 8, 16, 0.0, num_heads=2))
    with pytest.raises(ValueError, match="the wrapper has 4 heads, the source has 2"):
        copy_weights(mha, MultiHeadAttentionWrapper(8, 2, 16, 0.0, num_heads=4))
    with pytest.raises(ValueError, match="one of source and target has a bias"):
        copy_weights(mha, SDPAttention(8, 8, 16, 0.0, num_heads=2, qkv_bias=True))
    with pytest.raises(TypeError, match="into a Linear"):
        copy_weights(mha, torch.nn.Linear(8, 8))


def test_torch_multihead_attention_without_qkv_bias_has_a_frozen_zero_bias():
    bias = TorchMultiheadAttention(8, 8, 6, 0.0, num_heads=2).attention.in_proj_bias
    assert not bias.requires_grad
    assert torch.count_nonzero(bias) == 0


def test_sdp_attention_keeps_no_mask_buffer():
    assert dict(SDPAttention(8, 8, 1024, 0.0, num_heads=2).named_buffers()) == {}


def test_the_recorded_run_backs_the_performance_page():
    """The page says SDPAttention was the fastest of the five at every length, forward and backward, and
    that every implementation agreed with the chapter's."""
    from snippets.benchmark import IMPLEMENTATIONS, load_recorded

    recorded = load_recorded()
    results = recorded["results"]
    assert {r["implementation"] for r in results} == set(IMPLEMENTATIONS)
    for length in recorded["settings"]["lengths"]:
        for mode in ("forward", "forward+backward"):  # without dropout
            rows = [r for r in results if r["num_tokens"] == length and r["mode"] == mode]
            sdpa = next(r for r in rows if r["implementation"] == "SDPAttention")
            assert sdpa["ratio_to_fastest"] == 1.0, f"{length} tokens, {mode}: SDPAttention was not the fastest"
            assert max(r["max_abs_diff"] for r in rows) < 1e-4

    def forward_memory(name):
        return {r["num_tokens"]: r["peak_bytes"] for r in results
                if (r["implementation"], r["mode"]) == (name, "forward")}

    chapter, wrapper, sdpa = (forward_memory(name) for name in ("MultiHeadAttention", "MultiHeadAttentionWrapper*",
                                                               "SDPAttention"))
    assert chapter[2048] > 100 * chapter[128], "the chapter's memory should grow with the square of the length"
    assert wrapper[2048] / wrapper[128] < chapter[2048] / chapter[128], "the wrapper's should grow more slowly"
    assert sdpa[2048] < 20 * sdpa[128], "SDPAttention's should grow like the length"


def test_sdp_attention_keeps_no_score_matrix_only_without_dropout(walkthroughs):
    """Performance: without dropout PyTorch picks a fused kernel; with the book's 0.1 it falls back to the
    math kernel, which computes the whole matrix of weights."""
    kernels = walkthroughs["experiments.sdp_kernels"].namespace["kernels"]
    assert kernels == {0.0: "FLASH_ATTENTION", 0.1: "MATH"}


def test_the_recorded_run_shows_fusing_the_projections_as_no_steady_gain():
    """Performance, "One projection instead of three": slower than MultiHeadAttention at some length,
    and nowhere gaining as much as SDPAttention does (both without dropout)."""
    from snippets.benchmark import load_recorded

    recorded = load_recorded()
    time = {(r["implementation"], r["num_tokens"], r["mode"]): r["median_s"] for r in recorded["results"]}
    lengths = sorted(recorded["settings"]["lengths"])
    modes = ("forward", "forward+backward")
    assert any(time["FusedQKVAttention", n, m] > time["MultiHeadAttention", n, m] for n in lengths for m in modes)
    for length in lengths:
        for mode in modes:
            fused_gain = time["MultiHeadAttention", length, mode] / time["FusedQKVAttention", length, mode]
            sdpa_gain = time["MultiHeadAttention", length, mode] / time["SDPAttention", length, mode]
            assert fused_gain < sdpa_gain * 1.02, (length, mode, fused_gain, sdpa_gain)
