"""The attention explorer's starting numbers, taken from the chapter's own runs.

The explorer page (docs/explorer.md, docs/assets/explorer.js) recomputes attention in the reader's
browser. It starts from exactly what sections 3.3 to 3.5 print: the six embeddings, the 3.4 weight
matrices drawn with seed 123, the SelfAttention_v2 weights that 3.5 reuses (seed 789), and the dropout
pattern seed 123 gives. The build hands this module the namespaces of those runs, so no seed or
weight is drawn twice.
"""

import json

import torch

from snippets.sentence import inputs, tokens


def _rounded(tensor):
    """Nested lists of floats, each the shortest decimal that reads back as the same float32."""
    return [[float(str(value)) for value in row] for row in tensor.detach().numpy()]


def initial_state(trainable, causal):
    """The explorer's data, from the runs of ``trainable_attention`` (3.4) and ``causal_attention`` (3.5).

    ``trainable`` and ``causal`` are those runs' namespaces (name -> value). Weight matrices are
    stored as (d_in, d_out), so that a projection is ``x @ W`` in both sections' cases.
    """
    sa_v2 = causal["sa_v2"]
    return {
        "tokens": list(tokens),
        "inputs": _rounded(inputs),
        "weights": {
            "trainable": {
                "query": _rounded(trainable["W_query"]),
                "key": _rounded(trainable["W_key"]),
                "value": _rounded(trainable["W_value"]),
            },
            "causal": {  # nn.Linear keeps its weight as (d_out, d_in): transpose to (d_in, d_out)
                "query": _rounded(sa_v2.W_query.weight.T),
                "key": _rounded(sa_v2.W_key.weight.T),
                "value": _rounded(sa_v2.W_value.weight.T),
            },
        },
        "dropout": {
            "rate": causal["dropout"].p,
            "keep": [[value != 0 for value in row] for row in causal["dropout_pattern"].tolist()],
        },
    }


def initial_state_json(trainable, causal):
    """:func:`initial_state` as compact JSON, safe inside a ``<script type="application/json">``."""
    return json.dumps(initial_state(trainable, causal), separators=(",", ":")).replace("</", "<\\/")


def lost_direction(W):
    """The unit direction of 3-D space that a (3, 2) weight matrix sends to (0, 0): the cross product of
    its two columns, at right angles to both. The explorer's 3-D view draws it, with the same sign."""
    n = torch.linalg.cross(W[:, 0], W[:, 1])
    return n / n.norm()


def arrows(kind, vectors, labels):
    """2-D vectors as labelled arrows for ``figures.plane``: label -> (x, y, kind)."""
    return {label: (x, y, kind) for label, (x, y) in zip(labels, vectors.tolist(), strict=True)}


def partly_dropped_query(causal):
    """The first query whose row keeps some of the weights it may use and drops others: the clearest
    case of a row that stops summing to 1, whatever pattern this machine's dropout draws. Its token,
    how many weights it keeps, how many it may use, and what its row sums to."""
    for i, row in enumerate(causal["dropout_pattern"].tolist()):
        kept = sum(value != 0 for value in row[: i + 1])
        if 0 < kept < i + 1:
            row_sum = causal["dropped_weights"][i].sum().item()
            return {"token": tokens[i], "kept": kept, "visible": i + 1, "sum": row_sum}
    raise ValueError("dropout kept or dropped every row whole; no row shows a partial sum")


# The 3.6 stage (docs/assets/explorer-heads.js): heads side by side.

HEAD_CASES = (("mha_run", "mha"), ("wider_run", "wider"))  # (section, module name) in multihead_attention


def heads_state(multihead):
    """The 3.6 stage's data, from the run of ``multihead_attention`` (its namespace, name -> value): the
    chapter's text, the batch's shape, and for the chapter's MultiHeadAttention (d_out = 2 over 2 heads)
    and the wider one (d_out = 4 over 2 heads) their sizes and weights, each matrix stored as (in, out)
    so that a projection is ``x @ W``. The page computes on one text: the batch must hold copies of it.
    """
    batch = multihead["batch"]
    if not all(text.equal(batch[0]) for text in batch):
        raise ValueError("the 3.6 stage shows one text: every text of the batch must be the same")
    cases = []
    for section, name in HEAD_CASES:
        module = multihead[name]
        if module.W_query.bias is not None or module.dropout.p:
            raise ValueError(f"{name}: the 3.6 stage computes without query, key and value biases and dropout")
        cases.append({
            "section": section,
            "d_out": module.d_out,
            "num_heads": module.num_heads,
            "head_dim": module.head_dim,
            **{part: _rounded(getattr(module, f"W_{part}").weight.T) for part in ("query", "key", "value")},
            "out": _rounded(module.out_proj.weight.T),
            "out_bias": _rounded(module.out_proj.bias[None])[0],
        })
    return {"tokens": list(tokens), "shape": list(batch.shape), "inputs": _rounded(batch[0]), "cases": cases}


def heads_state_json(multihead):
    """:func:`heads_state` as compact JSON, safe inside a ``<script type="application/json">``."""
    return json.dumps(heads_state(multihead), separators=(",", ":")).replace("</", "<\\/")


def head_weights(module, x):
    """The attention weights a MultiHeadAttention computes for ``x``, (b, num_heads, T, T), recorded
    from its own forward pass as it hands them to its dropout: the static figures show what it uses."""
    recorded = []
    hook = module.dropout.register_forward_hook(lambda _module, _inputs, output: recorded.append(output.detach()))
    try:
        module(x)
    finally:
        hook.remove()
    return recorded[0]
