"""Training without the causal mask: the model learns to copy the next token, and nothing that generates.

Opened up after training, the masked model's attention fetches the token before each position, which
the data needs; the unmasked model's looks at the token after it, the answer.
"""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import MultiHeadAttention

# isort: split

# --8<-- [start:markov_chain]
import copy
import math

import torch
import torch.nn.functional as F
from torch import nn

threads_before = torch.get_num_threads()
torch.set_num_threads(1)  # tiny tensors: one thread is faster, and the numbers don't depend on the core count

vocab_size, context_length = 16, 16
V = vocab_size
chain_seed, data_seed, eval_seed, model_seed = 0, 1, 2, 123

# P[a, b, c] = P(next token c | the two tokens before it are a, b): each row is a peaked softmax.
logits = 2.5 * torch.randn(V, V, V, generator=torch.Generator().manual_seed(chain_seed), dtype=torch.float64)
P = torch.softmax(logits, dim=-1)
print("P(c | a, b) for a, b = 0, 0:", [round(p, 2) for p in P[0, 0].tolist()])
print(f"the likeliest next token has on average probability {P.max(dim=-1).values.mean():.2f}")
# --8<-- [end:markov_chain]

# --8<-- [start:stationary_pairs]
# pi[a, b] = P(two consecutive tokens are a, b) once the chain has run for a long time.
# One step of the chain moves probability from pair (a, b) to pair (b, c):
# pi'[b, c] = sum over a of pi[a, b] P[a, b, c]. Repeat until nothing changes.
pi = torch.full((V, V), 1 / V**2, dtype=torch.float64)
for _ in range(200):
    pi_next = torch.einsum("ab,abc->bc", pi, P)
    change, pi = (pi_next - pi).abs().max().item(), pi_next
print(f"largest change in the last step: {change:.1e}, total probability: {pi.sum():.6f}")
# --8<-- [end:stationary_pairs]

# --8<-- [start:best_possible_loss]
def entropy(p):
    """H(p) = -sum p log p in nats, over the last axis."""
    return -(p * p.log()).sum(dim=-1)


H_X0 = entropy(pi.sum(dim=1)).item()
H_X1_given_X0 = entropy(pi.flatten()).item() - H_X0  # H(X0, X1) - H(X0)
H_next_given_two = (pi * entropy(P)).sum().item()  # H(X_t | X_{t-2}, X_{t-1})

# Position t predicts x[t+1] from x[0..t]: position 0 sees one token, all later ones see two or more.
uniform_loss = math.log(V)
best_loss = (H_X1_given_X0 + (context_length - 1) * H_next_given_two) / context_length
print(f"uniform guessing:    ln V = {uniform_loss:.3f}")
print(f"H(X1 | X0)                = {H_X1_given_X0:.3f}")
print(f"H(Xt | Xt-2, Xt-1)        = {H_next_given_two:.3f}")
print(f"best possible loss        = {best_loss:.3f}  (average over the {context_length} positions)")
# --8<-- [end:best_possible_loss]

# --8<-- [start:fresh_batches]
def sample(num_sequences, generator):
    """Inputs x[0..T-1] and targets x[1..T] (the inputs shifted by one), pairs started from pi."""
    x = torch.empty(num_sequences, context_length + 1, dtype=torch.long)
    first_pair = torch.multinomial(pi.flatten(), num_sequences, replacement=True, generator=generator)
    x[:, 0], x[:, 1] = first_pair // V, first_pair % V
    for t in range(2, context_length + 1):
        x[:, t] = torch.multinomial(P[x[:, t - 2], x[:, t - 1]], 1, generator=generator).squeeze(1)
    return x[:, :-1], x[:, 1:]


num_steps, batch_size = 200, 32
# Every step gets its own batch, drawn here all at once: no sequence is ever seen twice.
train_x, train_y = sample((num_steps + 1) * batch_size, torch.Generator().manual_seed(data_seed))
eval_x, eval_y = sample(64, torch.Generator().manual_seed(eval_seed))  # held out, for measuring
print(f"{len(train_x)} training sequences: {num_steps + 1} batches of {batch_size}, one per step")
print("input: ", train_x[0].tolist())
print("target:", train_y[0].tolist())
# --8<-- [end:fresh_batches]

# --8<-- [start:block]
class Block(nn.Module):
    """Pre-LayerNorm transformer block: attention, then a small MLP, each added to its input."""

    def __init__(self, d_model, num_heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, d_model, context_length, dropout=0.0, num_heads=num_heads)
        self.norm2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))

    def forward(self, h):
        h = h + self.attn(self.norm1(h))
        return h + self.mlp(self.norm2(h))
# --8<-- [end:block]


# --8<-- [start:tiny_gpt]
class TinyGPT(nn.Module):
    """Token and position embeddings, transformer blocks, and a head that gives V logits per position."""

    def __init__(self, d_model=32, num_heads=2, num_blocks=1):
        super().__init__()
        self.tok_emb = nn.Embedding(V, d_model)
        self.pos_emb = nn.Embedding(context_length, d_model)
        self.blocks = nn.ModuleList(Block(d_model, num_heads) for _ in range(num_blocks))
        self.final_norm = nn.LayerNorm(d_model)
        self.out_head = nn.Linear(d_model, V)

    def embed(self, x):
        return self.tok_emb(x) + self.pos_emb(torch.arange(x.shape[1]))

    def forward(self, x):  # x: (batch, num_tokens) token ids
        h = self.embed(x)
        for block in self.blocks:
            h = block(h)
        return self.out_head(self.final_norm(h))  # (batch, num_tokens, V)
# --8<-- [end:tiny_gpt]

# --8<-- [start:two_models]
torch.manual_seed(model_seed)
masked = TinyGPT()
torch.manual_seed(model_seed)
unmasked = TinyGPT()
for block in unmasked.blocks:
    block.attn.mask.fill_(False)  # nothing hidden: every position may look at every other

models = {"masked": masked, "unmasked": unmasked}
initial_weights = {name: copy.deepcopy(model.state_dict()) for name, model in models.items()}
first, second = initial_weights["masked"], initial_weights["unmasked"]
differ = [key for key in first if not torch.equal(first[key], second[key])]
print(f"{sum(p.numel() for p in masked.parameters())} parameters each; tensors that differ: {differ}")
# --8<-- [end:two_models]

# --8<-- [start:adam]
class Adam:
    """Adam, written out: torch.optim would import the TorchDynamo compiler, seconds on a small CPU."""

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
        self.t = 0  # steps taken
        self.m = [torch.zeros_like(p) for p in self.params]  # running mean of the gradient
        self.v = [torch.zeros_like(p) for p in self.params]  # running mean of its square

    @torch.no_grad()
    def step(self):
        (beta1, beta2), self.t = self.betas, self.t + 1
        for p, m, v in zip(self.params, self.m, self.v, strict=True):
            m.lerp_(p.grad, 1 - beta1)
            v.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
            m_hat, v_hat = m / (1 - beta1**self.t), v / (1 - beta2**self.t)
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))
# --8<-- [end:adam]

# --8<-- [start:next_token_attention]
def attention_weights(model, x):
    """The first block's attention weights, (batch, heads, T, T), computed as MultiHeadAttention does."""
    attn, num_tokens = model.blocks[0].attn, x.shape[1]
    h = model.blocks[0].norm1(model.embed(x))
    queries, keys = attn.split_heads(attn.W_query(h)), attn.split_heads(attn.W_key(h))
    attn_scores = queries @ keys.transpose(2, 3)
    attn_scores = attn_scores.masked_fill(attn.mask[:num_tokens, :num_tokens], -torch.inf)
    return torch.softmax(attn_scores / attn.head_dim**0.5, dim=-1)


def next_token_attention(model, x):
    """Share of attention that position t puts on position t+1, the token it has to predict."""
    return attention_weights(model, x).diagonal(offset=1, dim1=-2, dim2=-1).mean().item()


with torch.no_grad():
    for name, model in models.items():
        print(f"{name:>8} before training: attention to t+1 {next_token_attention(model, eval_x):.3f}")
# --8<-- [end:next_token_attention]

# --8<-- [start:generation_loss]
def generation_loss(model, x, y):
    """Cross-entropy when position t sees only x[0..t], as when the model generates text."""
    losses = [F.cross_entropy(model(x[:, : t + 1])[:, -1], y[:, t]) for t in range(x.shape[1])]
    return torch.stack(losses).mean().item()


with torch.no_grad():
    for name, model in models.items():
        print(f"{name:>8} before training: generation loss {generation_loss(model, eval_x, eval_y):.3f}")
# --8<-- [end:generation_loss]

# --8<-- [start:measure]
def grad_norm(model):
    """Length of the whole gradient, all parameters together, as one vector."""
    return math.sqrt(sum(p.grad.pow(2).sum().item() for p in model.parameters()))


@torch.no_grad()
def measure(model, step, loss):
    """One row of the history, taken after backward() and before the optimizer changes the weights."""
    return {"step": step, "train_loss": loss.item(), "grad_norm": grad_norm(model),
            "next_token_attention": next_token_attention(model, eval_x),
            "generation_loss": generation_loss(model, eval_x, eval_y)}
# --8<-- [end:measure]

# --8<-- [start:train_both]
optimizers = {name: Adam(model.parameters(), lr=1e-2) for name, model in models.items()}
columns = ("train_loss", "grad_norm", "next_token_attention", "generation_loss")
history = {name: {field: [] for field in ("step", *columns)} for name in models}
print("        train loss     grad norm    attn to t+1   generation loss")
print("step  masked unmask  masked unmask  masked unmask  masked unmask")
for step in range(num_steps + 1):  # the last step only measures
    batch = slice(step * batch_size, (step + 1) * batch_size)
    for name, model in models.items():  # the same batch for both
        loss = F.cross_entropy(model(train_x[batch]).flatten(0, 1), train_y[batch].flatten())
        model.zero_grad()
        loss.backward()
        if step % 10 == 0:
            for field, value in measure(model, step, loss).items():
                history[name][field].append(value)
        if step < num_steps:
            optimizers[name].step()
    if step % 20 == 0:
        m, u = history["masked"], history["unmasked"]
        print(f"{step:4d}", "  ".join(f"{m[column][-1]:6.3f} {u[column][-1]:6.3f}" for column in columns))
# --8<-- [end:train_both]

# --8<-- [start:summary]
final = {name: {field: values[-1] for field, values in h.items()} for name, h in history.items()}
# Steps 20, 30 and 40 (entries 2 to 4): while the unmasked model's training loss collapses.
shortcut = {name: sum(h["grad_norm"][2:5]) / 3 for name, h in history.items()}
print(f"uniform guessing {uniform_loss:.3f}, best possible {best_loss:.3f}")
for name, f in final.items():
    print(f"{name:>8} after {num_steps} steps: train loss {f['train_loss']:.3f}, "
          f"generation loss {f['generation_loss']:.3f}, grad norm {f['grad_norm']:.3f}, "
          f"attention to t+1 {f['next_token_attention']:.3f}")
print(f"mean grad norm at steps 20-40: masked {shortcut['masked']:.3f}, unmasked {shortcut['unmasked']:.3f}")
# --8<-- [end:summary]

# --8<-- [start:where_the_loss_is]
with torch.no_grad():
    per_position = {name: F.cross_entropy(model(eval_x).transpose(1, 2), eval_y, reduction="none").mean(dim=0)
                    for name, model in models.items()}
for name, losses in per_position.items():
    print(f"{name:>8} loss by position:", " ".join(f"{loss:.2f}" for loss in losses.tolist()))
# --8<-- [end:where_the_loss_is]

# --8<-- [start:attention_by_offset]
offsets = range(-3, 4)  # from t-3 to t+3: the positions around each query t


@torch.no_grad()
def offset_shares(model, x):
    """Per head: the mean weight a query at t puts on position t + offset, over the queries that have one."""
    weights = attention_weights(model, x)  # (batch, heads, T, T)
    return {k: weights.diagonal(offset=k, dim1=-2, dim2=-1).mean(dim=(0, 2)) for k in offsets}


untrained = {name: TinyGPT() for name in models}  # given the starting weights that two_models kept
for name, model in untrained.items():
    model.load_state_dict(initial_weights[name])
shares = {name: offset_shares(model, eval_x) for name, model in models.items()}
shares_before = {name: offset_shares(model, eval_x) for name, model in untrained.items()}


def print_row(label, values):
    print(f"{label:<19}" + "".join(f"{value:6.2f}" for value in values))


print("mean attention on each position near the query t, over the held-out batch")
print(" " * 19 + "".join(f"{'t' if k == 0 else f't{k:+d}':>6}" for k in offsets))
for name in models:
    before, after = shares_before[name], shares[name]
    print_row(f"{name:>8} untrained", [before[k].mean() for k in offsets])  # both heads, before training
    for head in range(len(after[0])):
        print_row(f"{'':>8} head {head}", [after[k][head] for k in offsets])
    print_row(f"{'':>8} both heads", [after[k].mean() for k in offsets])
# --8<-- [end:attention_by_offset]

# --8<-- [start:the_head_that_does_the_job]
@torch.no_grad()
def held_out_loss(model, switched_off=()):
    """Loss on the held-out batch, with the first block's heads in switched_off silenced (their output set to 0)."""
    attn = model.blocks[0].attn

    def silence(module, args):  # runs just before out_proj, on the heads' outputs side by side
        context = args[0].clone()
        for head in switched_off:
            context[..., head * attn.head_dim : (head + 1) * attn.head_dim] = 0
        return (context,)

    hook = attn.out_proj.register_forward_pre_hook(silence)
    try:
        return F.cross_entropy(model(eval_x).flatten(0, 1), eval_y.flatten()).item()
    finally:
        hook.remove()


# The head that does the job is the one the model can least do without: silencing it costs the most loss.
held_out, silenced, job, maps = {}, {}, {}, {}
for name, model in models.items():
    held_out[name] = held_out_loss(model)
    silenced[name] = [held_out_loss(model, [head]) for head in range(model.blocks[0].attn.num_heads)]
    job[name] = silenced[name].index(max(silenced[name]))
    with torch.no_grad():
        maps[name] = attention_weights(model, eval_x)[:, job[name]].mean(dim=0)  # (T, T), mean over the batch
    without = ", ".join(f"head {h} silenced {loss:.3f}" for h, loss in enumerate(silenced[name]))
    print(f"{name:>8}: held-out loss {held_out[name]:.3f}, {without} -> head {job[name]} does the job")
# --8<-- [end:the_head_that_does_the_job]

# --8<-- [start:one_pass_is_enough]
with torch.no_grad():
    one_pass = F.cross_entropy(masked(eval_x).flatten(0, 1), eval_y.flatten()).item()
    prefix_by_prefix = generation_loss(masked, eval_x, eval_y)
print(f"masked model, one pass over all {context_length} positions: {one_pass:.4f}")
print(f"masked model, {context_length} passes, one per prefix:      {prefix_by_prefix:.4f}")
torch.set_num_threads(threads_before)  # leave the process as we found it
# --8<-- [end:one_pass_is_enough]
