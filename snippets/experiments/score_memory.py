"""What the chapter's attention keeps in memory at the scale of the GPT the book builds.

In training, each attention layer keeps its T x T matrices, one per text and head, until the backward
pass needs them. PyTorch says how many bytes that is per entry, for the chapter's MultiHeadAttention with
the book's dropout of 0.1; from that follow the cost of one layer and of GPT-2 small's twelve, as the
context grows, and what generation keeps instead: the KV cache.
"""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import MultiHeadAttention

# isort: split

# --8<-- [start:saved_for_backward]
import torch


def bytes_saved_for_backward(module, x):
    """The bytes of the T x T matrices, one per text and head, that autograd
    keeps from one forward call of ``module`` on ``x`` for the backward pass
    (the causal mask, one T x T for all, is left out). A tensor kept twice, or
    as a view of another (a matrix product keeps (batch * heads, T, T)
    views), is counted once: by the memory it lives in."""
    num_tokens, kept = x.shape[1], {}

    def keep(tensor):
        if tensor.dim() >= 3 and tensor.shape[-2:] == (num_tokens, num_tokens):
            storage = tensor.untyped_storage()
            kept[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(keep, lambda tensor: tensor):
        module(x)
    return sum(kept.values())


torch.manual_seed(123)
layer = MultiHeadAttention(768, 768, 1024, dropout=0.1, num_heads=12).train()
x = torch.randn(2, 100, 768)  # 100 tokens: no other tensor here is 100 x 100
entries = x.shape[0] * layer.num_heads * x.shape[1] ** 2  # batch x heads x T x T
per_entry = bytes_saved_for_backward(layer, x) / entries
print(f"kept for backward: {per_entry:g} bytes per entry of the T x T matrices")
# --8<-- [end:saved_for_backward]


# --8<-- [start:gpt2_scale]
GPT2_SMALL = {"emb_dim": 768, "n_heads": 12, "n_layers": 12, "context_length": 1024}
BATCH = 2  # the book's training batch (chapter 5, which shortens the context to 256)


def attention_matrix_bytes(num_tokens, per_entry, batch=BATCH, config=GPT2_SMALL):
    """What one attention layer's T x T matrices keep for backward, at ``per_entry`` bytes each."""
    return per_entry * batch * config["n_heads"] * num_tokens**2


def kv_cache_bytes(num_tokens, batch=BATCH, config=GPT2_SMALL, bytes_per_value=4):
    """What generation keeps instead: every layer's keys and values, T x emb_dim each, in float32."""
    return 2 * config["n_layers"] * batch * num_tokens * config["emb_dim"] * bytes_per_value


print(f"{'context':>7} {'one layer':>11} {'12 layers':>10} {'KV cache':>10}")
for num_tokens in (256, 512, 1024, 2048, 4096):
    one_layer = attention_matrix_bytes(num_tokens, per_entry)
    model = GPT2_SMALL["n_layers"] * one_layer
    cache = kv_cache_bytes(num_tokens)
    print(f"{num_tokens:>7} {one_layer / 2**20:>7.0f} MiB {model / 2**30:>6.2f} GiB {cache / 2**20:>6.0f} MiB")
# --8<-- [end:gpt2_scale]
