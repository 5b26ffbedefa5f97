"""Questions readers ask: .T against transpose(1, 2), d_out in the two multi-head classes, view, out_proj."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import MultiHeadAttention, MultiHeadAttentionWrapper
from snippets.sentence import inputs

# isort: split

# --8<-- [start:transpose_3d]
import copy
import warnings

import torch

batch = torch.stack((inputs, inputs))  # (batch, num_tokens, d_in), shaped like 3.5's keys
print("batch:                ", batch.shape)
print("batch.transpose(1, 2):", batch.transpose(1, 2).shape)  # what CausalAttention uses
print("batch.mT:             ", batch.mT.shape)  # the same: swap the last two axes

torch.set_warn_always(True)  # PyTorch would otherwise warn only once per session
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    reversed_axes = batch.T
torch.set_warn_always(False)
print("batch.T:              ", reversed_axes.shape)  # every axis reversed
print("PyTorch warns:", str(caught[0].message).split(". ")[0])
try:
    batch @ reversed_axes
except RuntimeError as error:
    print("batch @ batch.T:", error)
# --8<-- [end:transpose_3d]

# --8<-- [start:d_out_meaning]
torch.manual_seed(123)
wrapper = MultiHeadAttentionWrapper(d_in=3, d_out=2, context_length=6, dropout=0.0,
                                    num_heads=2)
mha = MultiHeadAttention(d_in=3, d_out=2, context_length=6, dropout=0.0, num_heads=2)
wrapper_head = wrapper.heads[0].W_query.out_features
print("wrapper, d_out=2: output", tuple(wrapper(batch).shape),
      "- each head", wrapper_head, "wide")
print("MHA,     d_out=2: output", tuple(mha(batch).shape),
      "- each head", mha.head_dim, "wide")
# --8<-- [end:d_out_meaning]

# --8<-- [start:view_error]
torch.manual_seed(123)
per_head = torch.rand(2, 2, 6, 3)  # (b, num_heads, num_tokens, head_dim)
tokens_first = per_head.transpose(1, 2)  # (b, num_tokens, num_heads, head_dim): no copy
print("transposed tensor is contiguous:", tokens_first.is_contiguous())
try:
    tokens_first.view(2, 6, 6)
except RuntimeError as error:
    print("view:", error)
joined = tokens_first.contiguous().view(2, 6, 6)  # copy into token order, then view
print("contiguous().view:", tuple(joined.shape))
print("reshape gives the same:", torch.equal(tokens_first.reshape(2, 6, 6), joined))
# --8<-- [end:view_error]

# --8<-- [start:one_projection_or_many]
d_in, d_out, num_heads = 768, 768, 12
head_dim = d_out // num_heads
one_big = torch.nn.Linear(d_in, d_out, bias=False)
separate = [torch.nn.Linear(d_in, head_dim, bias=False) for _ in range(num_heads)]
print(f"weights in one {d_in} → {d_out} projection:     ", one_big.weight.numel())
print(f"weights in {num_heads} separate {d_in} → {head_dim} projections:",
      sum(p.weight.numel() for p in separate))

x = torch.rand(4, d_in)
head_3 = slice(3 * head_dim, 4 * head_dim)  # the columns that belong to head 3
as_own_projection = x @ one_big.weight[head_3].T  # head 3 as if it had its own matrix
print("head 3's columns equal that separate projection:",
      torch.allclose(one_big(x)[:, head_3], as_own_projection))
# --8<-- [end:one_projection_or_many]

# --8<-- [start:out_proj_mixing]
torch.manual_seed(123)
mixed = MultiHeadAttention(d_in=3, d_out=4, context_length=6, dropout=0.0, num_heads=2)
mixed.requires_grad_(False)
unmixed = copy.deepcopy(mixed)
unmixed.out_proj = torch.nn.Identity()  # the heads' outputs, only concatenated

for name, module in (("without out_proj", unmixed), ("with out_proj", mixed)):
    before = module(batch)
    module.W_value.weight[2:] += 0.5  # nudge the second head's value weights (rows 2-3)
    changed = (module(batch) - before).abs().amax(dim=(0, 1)) > 0
    print(f"{name:<16} output columns that change:", changed)
out_proj_size = sum(p.numel() for p in mixed.out_proj.parameters())
print("out_proj parameters:", out_proj_size, "= 4·4 weights + 4 biases")
# --8<-- [end:out_proj_mixing]
