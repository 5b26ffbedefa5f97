"""Questions readers ask: from which score 3.3's naive softmax overflows, and why torch.softmax does not."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.sentence import inputs

# isort: split

# --8<-- [start:threshold]
import math

import torch

largest = torch.finfo(torch.float32).max  # the largest number a float32 can hold
limit = math.log(largest)  # exp(x) is larger than that once x passes this
below, above = math.floor(limit), math.ceil(limit)
print("largest float32:", largest)
print("its logarithm:  ", limit)
print(f"exp({below}):", torch.exp(torch.tensor(below, dtype=torch.float32)))
print(f"exp({above}):", torch.exp(torch.tensor(above, dtype=torch.float32)))
# --8<-- [end:threshold]

# --8<-- [start:large_scores]
longer = inputs * 10  # the six embeddings, each 10 times longer
big_scores = longer @ longer[1]  # "journey" as the query again: every score 100 times larger
print("scores:       ", big_scores)
print("naive softmax:", torch.exp(big_scores) / torch.exp(big_scores).sum())
print("torch.softmax:", torch.softmax(big_scores, dim=0))
# --8<-- [end:large_scores]

# --8<-- [start:shift]
shifted = big_scores - big_scores.max()  # the largest score becomes 0, every other one negative
stable = torch.exp(shifted) / torch.exp(shifted).sum()
print("scores - max:          ", shifted)
print("naive, after the shift:", stable)
print("same as torch.softmax: ", torch.allclose(stable, torch.softmax(big_scores, dim=0)))
# --8<-- [end:shift]
