"""Questions readers ask: why three weight matrices, what d_in and d_out must satisfy, nn.Linear's layout."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import SelfAttention_v2
from snippets.sentence import inputs, tokens

# isort: split

# --8<-- [start:symmetric_scores]
import torch

plain = inputs @ inputs.T  # 3.3: the embeddings compared with themselves
print("x·xᵀ equals its transpose:", torch.equal(plain, plain.T))
print(f"ω21 = {plain[1, 0]:.4f}, ω12 = {plain[0, 1]:.4f}")
print("each row's largest score is on:", [tokens[j] for j in plain.argmax(dim=-1)])
# --8<-- [end:symmetric_scores]

# --8<-- [start:asymmetric_scores]
torch.manual_seed(789)
sa_v2 = SelfAttention_v2(d_in=3, d_out=2).requires_grad_(False)
scores = sa_v2.W_query(inputs) @ sa_v2.W_key(inputs).T  # 3.4: queries against keys
print("Q·Kᵀ equals its transpose:", torch.equal(scores, scores.T))
print(f"ω21 = {scores[1, 0]:.4f}, ω12 = {scores[0, 1]:.4f}")
trainable = [name for name, _ in SelfAttention_v2(3, 2).named_parameters()]
print("what training would adjust:", trainable)
# --8<-- [end:asymmetric_scores]

# --8<-- [start:two_thin_or_one_square]
def numbers_held(d_in, d_k):
    """How many numbers W_q and W_k hold together, and the one d_in x d_in matrix W_q @ W_k.T."""
    return 2 * d_in * d_k, d_in * d_in


for d_in, d_k, where in ((3, 2, "this chapter's example"), (768, 64, "one head of GPT-2 small")):
    two_thin, one_square = numbers_held(d_in, d_k)
    print(f"{where}: d_in={d_in}, d_k={d_k}: W_q and W_k {two_thin:,}, one square matrix {one_square:,}")
# --8<-- [end:two_thin_or_one_square]

# --8<-- [start:widths]
torch.manual_seed(123)
x = torch.rand(6, 3)  # six tokens, d_in = 3
q, k = x @ torch.rand(3, 2), x @ torch.rand(3, 2)  # queries and keys share a width...
v = x @ torch.rand(3, 5)  # ...values may have another
context = torch.softmax(q @ k.T, dim=-1) @ v
print("context vectors:", tuple(context.shape))

try:
    q @ (x @ torch.rand(3, 4)).T  # keys 4 wide, queries 2 wide
except RuntimeError as error:
    print("queries 2 wide, keys 4 wide:", error)

try:
    x + context  # chapter 4 adds the attention output back onto its input
except RuntimeError as error:
    print("x + context with d_in=3, d_out=5:", error)
# --8<-- [end:widths]

# --8<-- [start:linear_layout]
linear = torch.nn.Linear(3, 2, bias=False)
print("nn.Linear(3, 2).weight.shape:", tuple(linear.weight.shape))  # (d_out, d_in)
print("linear(x) equals x @ weight.T:", torch.allclose(linear(x), x @ linear.weight.T))

torch.manual_seed(123)
drawn = torch.rand(3, 2)
low, high = linear.weight.min(), linear.weight.max()
bound = 1 / 3**0.5  # nn.Linear draws from ±1/√d_in
print(f"torch.rand draws:  from {drawn.min():.2f} to {drawn.max():.2f}, all positive")
print(f"nn.Linear draws:   from {low:.2f} to {high:.2f}, within ±{bound:.2f}")
# --8<-- [end:linear_layout]
