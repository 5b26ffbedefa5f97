"""The chapter's attention modules, each defined once.

The pages show these classes section by section; the walk-throughs and the tests import them
from here. Each module creates its weights in the same order as the book's, so the same seed
gives the same numbers.
"""

import torch
from torch import nn


# --8<-- [start:check_input]
def check_input(x, *, rank, d_in, context_length=None):
    """Fail with a plain message, not a shape error from deep in torch."""
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"expected a torch.Tensor, got {type(x).__name__}")
    layout = {2: "(num_tokens, d_in)", 3: "(batch, num_tokens, d_in)"}[rank]
    if x.dim() != rank:
        raise ValueError(
            f"expected a {rank}-D input shaped {layout}, "
            f"got shape {tuple(x.shape)}"
        )
    if x.shape[-1] != d_in:
        raise ValueError(
            f"expected inputs of width d_in={d_in}, got width {x.shape[-1]}"
        )
    if context_length is not None and x.shape[-2] > context_length:
        raise ValueError(
            f"the sequence has {x.shape[-2]} tokens, "
            f"more than context_length={context_length}"
        )


def check_heads(d_out, num_heads):
    """Refuse a head count that does not split d_out evenly."""
    if num_heads < 1 or d_out % num_heads != 0:
        raise ValueError(
            f"d_out={d_out} must be divisible by num_heads={num_heads}: "
            "each head gets d_out // num_heads dimensions"
        )
# --8<-- [end:check_input]


# --8<-- [start:SelfAttention_v1]
class SelfAttention_v1(nn.Module):
    """Self-attention with three weight matrices drawn from torch.rand."""

    def __init__(self, d_in, d_out):
        super().__init__()
        self.d_in = d_in
        self.W_query = nn.Parameter(torch.rand(d_in, d_out))
        self.W_key = nn.Parameter(torch.rand(d_in, d_out))
        self.W_value = nn.Parameter(torch.rand(d_in, d_out))

    def forward(self, x):  # x: (num_tokens, d_in)
        check_input(x, rank=2, d_in=self.d_in)
        queries = x @ self.W_query
        keys = x @ self.W_key
        values = x @ self.W_value
        # ω: one row per query, one column per key
        attn_scores = queries @ keys.T
        attn_weights = torch.softmax(
            attn_scores / keys.shape[-1] ** 0.5, dim=-1
        )
        return attn_weights @ values  # context vectors: (num_tokens, d_out)
# --8<-- [end:SelfAttention_v1]


# --8<-- [start:SelfAttention_v2]
class SelfAttention_v2(nn.Module):
    """The same with nn.Linear layers, which initialise weights better."""

    def __init__(self, d_in, d_out, qkv_bias=False):
        super().__init__()
        self.d_in = d_in
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)

    def forward(self, x):  # x: (num_tokens, d_in)
        check_input(x, rank=2, d_in=self.d_in)
        queries = self.W_query(x)
        keys = self.W_key(x)
        values = self.W_value(x)
        attn_scores = queries @ keys.T
        attn_weights = torch.softmax(
            attn_scores / keys.shape[-1] ** 0.5, dim=-1
        )
        return attn_weights @ values
# --8<-- [end:SelfAttention_v2]


# --8<-- [start:causal_mask]
def causal_mask(num_tokens):
    """True above the diagonal: where a query may not look (its future)."""
    return torch.triu(
        torch.ones(num_tokens, num_tokens, dtype=torch.bool), diagonal=1
    )
# --8<-- [end:causal_mask]


# --8<-- [start:CausalAttention]
class CausalAttention(nn.Module):
    """Self-attention that hides later tokens, with dropout and batches."""

    def __init__(self, d_in, d_out, context_length, dropout,
                 qkv_bias=False):
        super().__init__()
        self.d_in = d_in
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.dropout = nn.Dropout(dropout)
        # A buffer, not a parameter: it follows .to(device) and is saved,
        # but is never trained.
        self.register_buffer("mask", causal_mask(context_length))

    def forward(self, x):  # x: (batch, num_tokens, d_in)
        check_input(
            x, rank=3, d_in=self.d_in, context_length=self.mask.shape[0]
        )
        num_tokens = x.shape[1]
        queries = self.W_query(x)
        keys = self.W_key(x)
        values = self.W_value(x)
        # swap only the last two axes
        attn_scores = queries @ keys.transpose(1, 2)
        attn_scores = attn_scores.masked_fill(
            self.mask[:num_tokens, :num_tokens], -torch.inf
        )
        attn_weights = torch.softmax(
            attn_scores / keys.shape[-1] ** 0.5, dim=-1
        )
        attn_weights = self.dropout(attn_weights)
        return attn_weights @ values  # (batch, num_tokens, d_out)
# --8<-- [end:CausalAttention]


# --8<-- [start:MultiHeadAttentionWrapper]
class MultiHeadAttentionWrapper(nn.Module):
    """Several independent CausalAttention heads, outputs concatenated."""

    def __init__(self, d_in, d_out, context_length, dropout, num_heads,
                 qkv_bias=False):
        super().__init__()
        if num_heads < 1:
            raise ValueError(
                f"num_heads must be at least 1, got {num_heads}"
            )
        self.heads = nn.ModuleList(
            CausalAttention(d_in, d_out, context_length, dropout, qkv_bias)
            for _ in range(num_heads)
        )

    def forward(self, x):  # x: (batch, num_tokens, d_in)
        # width d_out * num_heads
        return torch.cat([head(x) for head in self.heads], dim=-1)
# --8<-- [end:MultiHeadAttentionWrapper]


# --8<-- [start:MultiHeadAttention]
class MultiHeadAttention(nn.Module):
    """All heads at once: one projection each for Q, K, V, split by head."""

    def __init__(self, d_in, d_out, context_length, dropout, num_heads,
                 qkv_bias=False):
        super().__init__()
        check_heads(d_out, num_heads)
        self.d_in = d_in
        self.d_out = d_out
        self.num_heads = num_heads
        self.head_dim = d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        # mixes what the heads found
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("mask", causal_mask(context_length))

    def split_heads(self, t):
        """(b, num_tokens, d_out) -> (b, num_heads, num_tokens, head_dim)"""
        b, num_tokens, _ = t.shape
        t = t.view(b, num_tokens, self.num_heads, self.head_dim)
        return t.transpose(1, 2)

    def forward(self, x):  # x: (batch, num_tokens, d_in)
        check_input(
            x, rank=3, d_in=self.d_in, context_length=self.mask.shape[0]
        )
        b, num_tokens, _ = x.shape
        queries = self.split_heads(self.W_query(x))
        keys = self.split_heads(self.W_key(x))
        values = self.split_heads(self.W_value(x))

        # (b, num_heads, num_tokens, num_tokens)
        attn_scores = queries @ keys.transpose(2, 3)
        attn_scores = attn_scores.masked_fill(
            self.mask[:num_tokens, :num_tokens], -torch.inf
        )
        attn_weights = torch.softmax(
            attn_scores / self.head_dim**0.5, dim=-1
        )
        attn_weights = self.dropout(attn_weights)

        # (b, num_tokens, num_heads, head_dim)
        context = (attn_weights @ values).transpose(1, 2)
        # the heads side by side again: (b, num_tokens, d_out)
        context = context.contiguous().view(b, num_tokens, self.d_out)
        return self.out_proj(context)
# --8<-- [end:MultiHeadAttention]
