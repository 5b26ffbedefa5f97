"""Questions readers ask: why softmax rather than dividing by the sum, and which axis it must run over."""

# --8<-- [start:negative_scores]
import torch

scores = torch.tensor([2.0, -1.0, 0.5])  # scores can be negative
print("divided by the sum:", scores / scores.sum())
print("softmax:           ", torch.softmax(scores, dim=0))
# --8<-- [end:negative_scores]

# --8<-- [start:sum_near_zero]
scores = torch.tensor([0.5, -0.52, 0.0])  # they add up to almost nothing
print("sum of the scores: ", f"{scores.sum():.2f}")
print("divided by the sum:", scores / scores.sum())
print("softmax:           ", torch.softmax(scores, dim=0))
# --8<-- [end:sum_near_zero]

# --8<-- [start:overflow]
scores = torch.tensor([1000.0, 1001.0, 999.0])  # large, but only 1 apart


def softmax_naive(x):
    return torch.exp(x) / torch.exp(x).sum()


print("exp(scores):   ", torch.exp(scores))
print("naive softmax: ", softmax_naive(scores))
print("torch.softmax: ", torch.softmax(scores, dim=0))
print("naive softmax of scores - max:", softmax_naive(scores - scores.max()))
half = torch.tensor([11.0, 12.0], dtype=torch.float16)
print("exp(11) and exp(12) in float16:", torch.exp(half))
# --8<-- [end:overflow]

# --8<-- [start:gaps]
for scores in (torch.tensor([0.1, 0.2]), torch.tensor([1.0, 3.0])):
    print("scores:            ", scores)
    print("divided by the sum:", scores / scores.sum())
    print("softmax:           ", torch.softmax(scores, dim=0))
shifted = scores + 10  # every score 10 higher: the same gaps between them
same_softmax = torch.allclose(torch.softmax(shifted, dim=0), torch.softmax(scores, dim=0))
same_division = torch.allclose(shifted / shifted.sum(), scores / scores.sum())
print("every score + 10, softmax unchanged:    ", same_softmax)
print("every score + 10, division unchanged:   ", same_division)
# --8<-- [end:gaps]

# --8<-- [start:wrong_dim]
torch.manual_seed(123)
scores = torch.rand(2, 4, 4) * 4  # (batch, queries, keys): two texts of 4 tokens
right = torch.softmax(scores, dim=-1)  # across the keys, once per query
wrong = torch.softmax(scores, dim=1)  # across the queries, once per key
print("dim=-1: each query's weights sum to", right[0].sum(dim=-1))
print("dim=1:  each query's weights sum to", wrong[0].sum(dim=-1))
print("dim=1:  each key's column sums to  ", wrong[0].sum(dim=0))
single = scores[0]  # one text: a 2-D matrix
print("on a 2-D matrix, dim=1 is the last axis:",
      torch.equal(torch.softmax(single, dim=1), right[0]))
# --8<-- [end:wrong_dim]
