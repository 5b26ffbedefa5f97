"""Which kernel scaled_dot_product_attention runs on the CPU, without dropout and with the book's 0.1."""

# --8<-- [start:which_kernel]
import torch
from torch.nn.attention import SDPBackend

# (batch, heads, tokens, head_dim) as in the benchmark below: GPT-2 small's 12 heads of 64, a batch of 8
queries = keys = values = torch.zeros(8, 12, 128, 64)
kernels = {}
for dropout_p in (0.0, 0.1):
    # The choice scaled_dot_product_attention makes for these inputs (a private helper of PyTorch's).
    choice = torch._fused_sdp_choice(queries, keys, values, dropout_p=dropout_p, is_causal=True)
    kernels[dropout_p] = SDPBackend(choice).name
    print(f"dropout_p={dropout_p}: {kernels[dropout_p]}")
# --8<-- [end:which_kernel]
