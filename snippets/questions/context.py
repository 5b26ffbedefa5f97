"""Questions readers ask: why context vectors beat fixed embeddings, and what scores and weights are."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import SelfAttention_v2
from snippets.sentence import inputs

# isort: split

# --8<-- [start:one_hot_lookup]
import torch

vocab = {"the": 0, "river": 1, "savings": 2, "bank": 3}
torch.manual_seed(123)
embedding = torch.nn.Embedding(len(vocab), 3)  # one row of 3 numbers per word
embedding.requires_grad_(False)  # nothing is trained on this page

bank = torch.tensor(vocab["bank"])
one_hot = torch.nn.functional.one_hot(bank, len(vocab)).float()
print("one-hot for 'bank':  ", one_hot)
print("one-hot @ table:     ", one_hot @ embedding.weight)
print("embedding lookup:    ", embedding(bank))
# --8<-- [end:one_hot_lookup]

# --8<-- [start:same_embedding]
sentence_a = ["the", "river", "bank"]
sentence_b = ["the", "savings", "bank"]
x_a = embedding(torch.tensor([vocab[word] for word in sentence_a]))
x_b = embedding(torch.tensor([vocab[word] for word in sentence_b]))
print("'bank' in sentence A:", x_a[2])
print("'bank' in sentence B:", x_b[2])
print("the same vector:", torch.equal(x_a[2], x_b[2]))
# --8<-- [end:same_embedding]

# --8<-- [start:different_context]
torch.manual_seed(789)
attention = SelfAttention_v2(d_in=3, d_out=3).requires_grad_(False)
context_a, context_b = attention(x_a), attention(x_b)
print("context vector of 'bank' in A:", context_a[2])
print("context vector of 'bank' in B:", context_b[2])
print("the same vector:", torch.equal(context_a[2], context_b[2]))
# --8<-- [end:different_context]

# --8<-- [start:score_indices]
torch.manual_seed(789)
sa_v2 = SelfAttention_v2(d_in=3, d_out=2).requires_grad_(False)
queries, keys = sa_v2.W_query(inputs), sa_v2.W_key(inputs)
attn_scores = queries @ keys.T  # row = query, column = key
attn_weights = torch.softmax(attn_scores / keys.shape[-1] ** 0.5, dim=-1)

print(f"ω21 = attn_scores[1, 0] = {attn_scores[1, 0]:.4f}")
print(f"q2 · k1                 = {queries[1] @ keys[0]:.4f}")
print(f"ω12 = attn_scores[0, 1] = {attn_scores[0, 1]:.4f}")
print("row 2 of the scores sums to: ", f"{attn_scores[1].sum():.4f}")
print("row 2 of the weights sums to:", f"{attn_weights[1].sum():.4f}")
# --8<-- [end:score_indices]
