"""Faster ways to compute the chapter's causal multi-head attention: the same function, less work.

Every class here takes the same constructor arguments as the chapter's ``MultiHeadAttention``
(d_in, d_out, context_length, dropout, num_heads, qkv_bias=False), checks its input the same way,
and is called as ``module(x)`` on a (batch, num_tokens, d_in) tensor. ``copy_weights`` loads a
chapter ``MultiHeadAttention``'s weights into any of them (``same_as`` builds one and copies), after
which they all compute the same outputs, up to float rounding. Besides the chapter's two classes:

- ``WrapperWithProjection``: the chapter's ``MultiHeadAttentionWrapper`` (one small module per head)
  plus the output projection that ``MultiHeadAttention`` has, so the two can be compared fairly;
- ``FusedQKVAttention``: one matrix multiplication for queries, keys and values instead of three;
- ``SDPAttention``: ``torch.nn.functional.scaled_dot_product_attention``, which never stores the
  num_tokens x num_tokens attention matrix (the site's recommended implementation);
- ``TorchMultiheadAttention``: PyTorch's own ``torch.nn.MultiheadAttention`` behind the same interface.
"""

import torch
import torch.nn.functional as F
from torch import nn

from snippets.attention import (
    MultiHeadAttention,
    MultiHeadAttentionWrapper,
    causal_mask,
    check_heads,
    check_input,
)


# --8<-- [start:WrapperWithProjection]
class WrapperWithProjection(nn.Module):
    """MultiHeadAttentionWrapper with head_dim-wide heads, then an output projection.

    The chapter's wrapper has no out_proj, so on its own it computes only the part of
    MultiHeadAttention before out_proj. Adding one makes the two compute the same function,
    and a timing comparison then measures only how the heads are organised.
    """

    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        check_heads(d_out, num_heads)
        head_dim = d_out // num_heads
        self.wrapper = MultiHeadAttentionWrapper(d_in, head_dim, context_length, dropout, num_heads, qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)

    def forward(self, x):  # x: (batch, num_tokens, d_in); each head checks it
        return self.out_proj(self.wrapper(x))
# --8<-- [end:WrapperWithProjection]


# --8<-- [start:heads]
def project_to_heads(qkv, x, num_heads):
    """Queries, keys and values from one fused projection, each (b, num_heads, num_tokens, head_dim)."""
    b, num_tokens, _ = x.shape
    # The fused output holds [queries | keys | values] side by side, each split into heads.
    qkv_heads = qkv(x).view(b, num_tokens, 3, num_heads, -1)
    queries, keys, values = qkv_heads.permute(2, 0, 3, 1, 4).unbind(0)
    return queries, keys, values


def merge_heads(context):
    """(b, num_heads, num_tokens, head_dim) -> (b, num_tokens, num_heads * head_dim)"""
    b, _, num_tokens, _ = context.shape
    return context.transpose(1, 2).reshape(b, num_tokens, -1)
# --8<-- [end:heads]


# --8<-- [start:FusedQKVAttention]
class FusedQKVAttention(nn.Module):
    """MultiHeadAttention with W_query, W_key and W_value stacked into one d_in -> 3*d_out layer.

    One large matrix multiplication keeps the CPU busier than three smaller ones. The attention
    part is unchanged: it still builds the full num_tokens x num_tokens matrix of scores.
    """

    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        check_heads(d_out, num_heads)
        self.d_in = d_in
        self.num_heads = num_heads
        self.head_dim = d_out // num_heads
        self.qkv = nn.Linear(d_in, 3 * d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", causal_mask(context_length))

    def forward(self, x):  # x: (batch, num_tokens, d_in)
        check_input(x, rank=3, d_in=self.d_in, context_length=self.mask.shape[0])
        num_tokens = x.shape[1]
        queries, keys, values = project_to_heads(self.qkv, x, self.num_heads)

        attn_scores = queries @ keys.transpose(2, 3)  # (b, num_heads, num_tokens, num_tokens)
        attn_scores = attn_scores.masked_fill(self.mask[:num_tokens, :num_tokens], -torch.inf)
        attn_weights = torch.softmax(attn_scores / self.head_dim**0.5, dim=-1)
        attn_weights = self.dropout(attn_weights)

        return self.out_proj(merge_heads(attn_weights @ values))
# --8<-- [end:FusedQKVAttention]


# --8<-- [start:SDPAttention]
class SDPAttention(nn.Module):
    """Fused QKV projection, then PyTorch's scaled_dot_product_attention with is_causal=True.

    The recommended implementation. The kernel computes the scores in blocks and keeps a running
    softmax, so the num_tokens x num_tokens matrix is never stored, and it needs no mask buffer.
    """

    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        check_heads(d_out, num_heads)
        self.d_in = d_in
        self.context_length = context_length
        self.num_heads = num_heads
        self.qkv = nn.Linear(d_in, 3 * d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = dropout  # a probability: the kernel applies dropout itself

    def forward(self, x):  # x: (batch, num_tokens, d_in)
        check_input(x, rank=3, d_in=self.d_in, context_length=self.context_length)
        queries, keys, values = project_to_heads(self.qkv, x, self.num_heads)
        context = F.scaled_dot_product_attention(
            queries, keys, values, is_causal=True, dropout_p=self.dropout if self.training else 0.0
        )  # scaled by 1 / sqrt(head_dim), as in the chapter
        return self.out_proj(merge_heads(context))
# --8<-- [end:SDPAttention]


# --8<-- [start:TorchMultiheadAttention]
class TorchMultiheadAttention(nn.Module):
    """torch.nn.MultiheadAttention(batch_first=True) as causal self-attention: module(x).

    PyTorch's class projects queries to its embed_dim, so it needs d_in == d_out. It has one
    ``bias`` switch for both projections; the chapter has a bias on out_proj only, so with
    qkv_bias=False the input-projection bias is kept at zero and frozen.

    Which kernel runs depends on the mode. Training goes through scaled_dot_product_attention
    with is_causal=True. In eval mode under torch.no_grad() PyTorch takes its inference "fast
    path", which applies the mask to a full num_tokens x num_tokens matrix of scores.
    """

    def __init__(self, d_in, d_out, context_length, dropout, num_heads, qkv_bias=False):
        super().__init__()
        check_heads(d_out, num_heads)
        if d_in != d_out:
            raise ValueError(f"torch.nn.MultiheadAttention needs d_in == d_out, got d_in={d_in} and d_out={d_out}")
        self.d_in = d_in
        self.qkv_bias = qkv_bias
        self.attention = nn.MultiheadAttention(d_out, num_heads, dropout=dropout, bias=True, batch_first=True)
        if not qkv_bias:
            nn.init.zeros_(self.attention.in_proj_bias)
            self.attention.in_proj_bias.requires_grad_(False)
        self.register_buffer("mask", causal_mask(context_length))

    def forward(self, x):  # x: (batch, num_tokens, d_in)
        check_input(x, rank=3, d_in=self.d_in, context_length=self.mask.shape[0])
        num_tokens = x.shape[1]
        # need_weights=False lets PyTorch use its fused kernels instead of returning the T x T weights.
        context, _ = self.attention(
            x, x, x, attn_mask=self.mask[:num_tokens, :num_tokens], need_weights=False, is_causal=True
        )
        return context
# --8<-- [end:TorchMultiheadAttention]


# --8<-- [start:copy_weights]
def _copy(target, value, name):
    if target.shape != value.shape:
        raise ValueError(f"{name}: the target has shape {tuple(target.shape)}, the source gives {tuple(value.shape)}")
    target.copy_(value)


def _copy_heads(source, wrapper):
    """Head h of the wrapper gets rows h*head_dim to (h+1)*head_dim of each of source's projections."""
    if len(wrapper.heads) != source.num_heads:
        raise ValueError(f"the wrapper has {len(wrapper.heads)} heads, the source has {source.num_heads}")
    for h, head in enumerate(wrapper.heads):
        rows = slice(h * source.head_dim, (h + 1) * source.head_dim)
        for name in ("W_query", "W_key", "W_value"):
            theirs, ours = getattr(source, name), getattr(head, name)
            _copy(ours.weight, theirs.weight[rows], f"head {h} {name}.weight")
            if (theirs.bias is None) != (ours.bias is None):
                raise ValueError(f"head {h} {name}: one of source and target has a bias and the other has not")
            if theirs.bias is not None:
                _copy(ours.bias, theirs.bias[rows], f"head {h} {name}.bias")


@torch.no_grad()
def copy_weights(source: MultiHeadAttention, target):
    """Load the chapter MultiHeadAttention's weights into target, so both compute the same function.

    A bare MultiHeadAttentionWrapper (built with d_out=head_dim per head) receives the head slices
    only; having no out_proj, it then reproduces ``source``'s context vectors *before* out_proj.
    Returns target.
    """
    projections = (source.W_query, source.W_key, source.W_value)
    qkv_weight = torch.cat([p.weight for p in projections])  # (3 * d_out, d_in): [queries | keys | values]
    qkv_bias = None if source.W_query.bias is None else torch.cat([p.bias for p in projections])

    if isinstance(target, MultiHeadAttentionWrapper):
        _copy_heads(source, target)
        return target
    if isinstance(target, WrapperWithProjection):
        _copy_heads(source, target.wrapper)
        out_proj = target.out_proj
    elif isinstance(target, (FusedQKVAttention, SDPAttention)):
        _copy(target.qkv.weight, qkv_weight, "qkv.weight")
        if (qkv_bias is None) != (target.qkv.bias is None):
            raise ValueError("qkv bias: one of source and target has a bias and the other has not")
        if qkv_bias is not None:
            _copy(target.qkv.bias, qkv_bias, "qkv.bias")
        out_proj = target.out_proj
    elif isinstance(target, TorchMultiheadAttention):
        _copy(target.attention.in_proj_weight, qkv_weight, "in_proj_weight")
        if (qkv_bias is None) == target.qkv_bias:
            raise ValueError("qkv bias: one of source and target has a bias and the other has not")
        if qkv_bias is not None:
            _copy(target.attention.in_proj_bias, qkv_bias, "in_proj_bias")
        out_proj = target.attention.out_proj
    else:
        raise TypeError(f"don't know how to copy weights into a {type(target).__name__}")
    _copy(out_proj.weight, source.out_proj.weight, "out_proj.weight")
    _copy(out_proj.bias, source.out_proj.bias, "out_proj.bias")
    return target
# --8<-- [end:copy_weights]


def same_as(source: MultiHeadAttention, kind):
    """A new module of class ``kind`` computing the same function as ``source`` (weights copied)."""
    has_bias = source.W_query.bias is not None
    context_length = source.mask.shape[0]
    dropout = source.dropout.p
    if kind is MultiHeadAttentionWrapper:  # heads of width head_dim; no out_proj (see copy_weights)
        target = kind(source.d_in, source.head_dim, context_length, dropout, source.num_heads, has_bias)
    else:
        target = kind(source.d_in, source.d_out, context_length, dropout, source.num_heads, has_bias)
    return copy_weights(source, target)
