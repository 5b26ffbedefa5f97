// The attention explorer: sections 3.3 to 3.5 recomputed in the browser, for one query token at a time.
// It starts from the numbers the build exported from the chapter's own runs (snippets/explorer.py),
// in the <script type="application/json" id="explorer-data"> element of the page.
"use strict";

(() => {
  const STAGES = [
    {
      id: "dot",
      label: "3.3 Dot products",
      note: "No trainable weights: each token's embedding serves as its query, key and value.",
    },
    {
      id: "unscaled",
      label: "3.4 Projections, unscaled",
      weights: "trainable",
      note: "Queries, keys and values are the embeddings times W_query, W_key and W_value " +
        "(the seeded matrices of section 3.4). The scores go into softmax as they are.",
    },
    {
      id: "scaled",
      label: "3.4 Projections, scaled by √d_k",
      weights: "trainable",
      scaled: true,
      note: "As before, but the scores are divided by √d_k before softmax, as SelfAttention_v1 does.",
    },
    {
      id: "causal",
      label: "3.5 Causal mask",
      weights: "causal",
      scaled: true,
      masked: true,
      note: "The weights of the SelfAttention_v2 that section 3.5 starts from. Scores of later " +
        "tokens become −∞, so softmax gives them weight 0 and shares 1 among the rest.",
    },
    {
      id: "dropout",
      label: "3.5 Mask, then dropout",
      weights: "causal",
      scaled: true,
      masked: true,
      dropout: true,
      note: "Dropout (training only) zeroes the weights where the chapter's seeded pattern says so and " +
        "divides the survivors by 1 − p, so rows no longer sum to 1.",
    },
  ];

  const LIMIT = 100; // keeps every score finite and every number readable
  const root = document.getElementById("explorer");
  const source = document.getElementById("explorer-data");
  if (!root || !source) return;
  const data = JSON.parse(source.textContent);
  const tokens = data.tokens;
  const { rate, keep } = data.dropout;
  const survivorScale = 1 / (1 - rate); // what dropout multiplies each kept weight by
  const state = {
    stage: STAGES[0],
    query: 1, // "journey", the chapter's running example
    multiplier: 1,
    inputs: data.inputs.map((row) => row.slice()),
  };

  // ---- the arithmetic: plain loops, one step per line of the chapter ----

  const dot = (a, b) => a.reduce((sum, value, k) => sum + value * b[k], 0);
  const project = (rows, W) => rows.map((x) => W[0].map((_, col) => dot(x, W.map((row) => row[col]))));

  function softmax(row) {
    const top = Math.max(...row);
    const exps = row.map((value) => (value === -Infinity ? 0 : Math.exp(value - top)));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((value) => value / total);
  }

  function compute() {
    const stage = state.stage;
    const X = state.inputs;
    const W = stage.weights ? data.weights[stage.weights] : null;
    const queries = W ? project(X, W.query) : X;
    const keys = W ? project(X, W.key) : X;
    const values = W ? project(X, W.value) : X;
    const dK = keys[0].length;
    const divisor = stage.scaled ? Math.sqrt(dK) : 1;
    const scores = queries.map((q, i) => keys.map((k, j) => (stage.masked && j > i ? -Infinity : dot(q, k))));
    const softmaxed = scores.map((row) => softmax(row.map((s) => (s === -Infinity ? s : (state.multiplier * s) / divisor))));
    const weights = stage.dropout
      ? softmaxed.map((row, i) => row.map((w, j) => (keep[i][j] ? w * survivorScale : 0)))
      : softmaxed;
    const context = weights.map((row) => values[0].map((_, col) => dot(row, values.map((v) => v[col]))));
    return { queries, keys, values, dK, divisor, scores, softmaxed, weights, context };
  }

  // ---- building the controls and the read-outs ----

  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else if (name === "html") node.innerHTML = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  };
  const short = (value) => String(Number(value.toPrecision(3))); // 2, 1.11, 0.707
  const fixed = (value, digits = 4) => (value === -Infinity ? "−∞" : value.toFixed(digits).replace("-", "−"));
  const vector = (values) => "[" + values.map((v) => fixed(v)).join(", ") + "]";
  const sub = (text) => `<sub>${text}</sub>`;
  const sup = (text) => `<sup>${text}</sup>`;

  function radioGroup(name, legend, options, checked, onChange) {
    const group = el("fieldset", { class: `explorer-choice explorer-${name}` }, el("legend", { text: legend }));
    options.forEach((option, index) => {
      const id = `explorer-${name}-${index}`;
      const input = el("input", { type: "radio", name: `explorer-${name}`, id, value: String(index) });
      input.checked = index === checked;
      input.addEventListener("change", () => onChange(index));
      group.append(el("span", {}, input, el("label", { for: id, text: option })));
    });
    return group;
  }

  const stageGroup = radioGroup("stage", "Stage of the chapter", STAGES.map((s) => s.label), 0, (index) => {
    state.stage = STAGES[index];
    update();
  });
  const queryGroup = radioGroup("query", "Query token", tokens, state.query, (index) => {
    state.query = index;
    update();
  });

  const slider = el("input", {
    type: "range", id: "explorer-multiplier", min: "0", max: "8", step: "0.25", value: "1",
  });
  const sliderValue = el("output", { for: "explorer-multiplier", "data-role": "multiplier" });
  slider.addEventListener("input", () => {
    state.multiplier = Number(slider.value);
    update();
  });
  const scale = el(
    "div", { class: "explorer-scale" },
    el("label", { for: "explorer-multiplier", text: "Score multiplier c (1 is the chapter's setting)" }),
    el("div", { class: "explorer-slider" }, slider, sliderValue),
  );

  const stageNote = el("p", { class: "explorer-note", "data-role": "stage-note" });
  const projection = el("p", { class: "explorer-formula", "data-role": "projection" });
  const scoreFormula = el("p", { class: "explorer-formula" });
  const weightFormula = el("p", { class: "explorer-formula" });
  const contextFormula = el("p", { class: "explorer-formula" });
  const rowSum = el("p", { class: "explorer-note" });

  const stepTable = el("table", { class: "explorer-steps" });
  const stepHead = el("thead");
  const stepBody = el("tbody");
  stepTable.append(el("caption", { "data-role": "steps-caption" }), stepHead, stepBody);

  const heatmap = el("table", { class: "explorer-heatmap" });
  const heatCaption = el("caption");
  const heatHead = el("thead", {}, el("tr", {}, el("td"), ...tokens.map((t) => el("th", { scope: "col", text: t }))));
  const heatBody = el("tbody");
  const heatCells = tokens.map((token, i) => {
    const cells = tokens.map((_, j) => el("td", { "data-row": String(i), "data-col": String(j) }));
    heatBody.append(el("tr", {}, el("th", { scope: "row", text: token }), ...cells));
    return cells;
  });
  heatmap.append(heatCaption, heatHead, heatBody);

  // The embeddings, editable: one number field per value.
  const editor = el("table", { class: "explorer-embeddings" });
  editor.append(
    el("caption", { text: "The six embeddings (edit any value)" }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "token" }),
      ...data.inputs[0].map((_, d) => el("th", { scope: "col", text: `dim ${d + 1}` })))),
  );
  const editorBody = el("tbody");
  const fields = tokens.map((token, i) => {
    const row = data.inputs[i].map((value, d) => {
      const field = el("input", {
        type: "number", step: "0.01", min: String(-LIMIT), max: String(LIMIT), value: String(value),
        "aria-label": `${token}, dimension ${d + 1}`, "data-row": String(i), "data-col": String(d),
        title: `A number from −${LIMIT} to ${LIMIT}`,
      });
      field.addEventListener("input", () => {
        const parsed = Number.parseFloat(field.value);
        const valid = field.value.trim() !== "" && Number.isFinite(parsed) && Math.abs(parsed) <= LIMIT;
        field.setAttribute("aria-invalid", String(!valid));
        if (valid) state.inputs[i][d] = parsed; // else the last number stays until the field holds one again
        update();
      });
      return field;
    });
    editorBody.append(el("tr", {}, el("th", { scope: "row", text: token }), ...row.map((f) => el("td", {}, f))));
    return row;
  });
  editor.append(editorBody);
  const reset = el("button", { type: "button", class: "explorer-reset", text: "Reset to the chapter's embeddings" });
  reset.addEventListener("click", () => {
    state.inputs = data.inputs.map((row) => row.slice());
    fields.forEach((row, i) => row.forEach((field, d) => {
      field.value = String(data.inputs[i][d]);
      field.setAttribute("aria-invalid", "false");
    }));
    update();
  });

  const announcer = el("p", {
    class: "explorer-announcer", "aria-live": "polite", "aria-atomic": "true", "data-role": "announcer",
  });
  const inputNote = el("p", {
    id: "explorer-input-note", class: "explorer-note", hidden: "",
    text: `A field above holds no number from −${LIMIT} to ${LIMIT}; the explorer keeps using its last value.`,
  });

  root.append(
    el("div", { class: "explorer-controls" }, stageGroup, queryGroup, scale),
    stageNote,
    el("div", { class: "explorer-formulas" }, projection, scoreFormula, weightFormula),
    el("div", { class: "explorer-scroll", tabindex: "0", role: "region", "aria-label": "Scores and weights" }, stepTable),
    rowSum,
    contextFormula,
    el("div", { class: "explorer-scroll", tabindex: "0", role: "region", "aria-label": "Weight matrix" }, heatmap),
    el("div", { class: "explorer-scroll", tabindex: "0", role: "region", "aria-label": "Embeddings" }, editor),
    inputNote,
    reset,
    announcer,
  );

  // ---- showing a state ----

  let announceTimer = null;

  function update() {
    const stage = state.stage;
    const result = compute();
    const i = state.query;
    const q = tokens[i];
    const multiplier = state.multiplier === 1 ? "" : `${state.multiplier} · `;
    const scaled = stage.scaled ? ` / √${result.dK}` : "";
    const x = (k) => `<var>x</var>${sup(`(${k})`)}`;
    const [query, key, value] = stage.weights ? ["q", "k", "v"] : ["x", "x", "x"];
    const vec = (letter, k) => `<var>${letter}</var>${sup(`(${k})`)}`;

    sliderValue.textContent = `c = ${state.multiplier.toFixed(2)}`;
    stageNote.textContent = stage.note;
    projection.hidden = !stage.weights;
    if (stage.weights) {
      projection.innerHTML =
        `Projections: ${vec("q", "i")} = ${x("i")} <var>W</var>${sub("query")}, ` +
        `${vec("k", "j")} = ${x("j")} <var>W</var>${sub("key")}, ` +
        `${vec("v", "j")} = ${x("j")} <var>W</var>${sub("value")}. ` +
        `For “${q}”: ${vec("q", i + 1)} = <span data-role="query-vector">${vector(result.queries[i])}</span>`;
    }
    scoreFormula.innerHTML =
      `1. Scores: <var>ω</var>${sub(`${i + 1}j`)} = ${vec(query, i + 1)} · ${vec(key, "j")}` +
      (stage.masked ? `, and −∞ for every later token (j &gt; ${i + 1})` : "");
    weightFormula.innerHTML =
      `2. Weights: <var>α</var>${sub(`${i + 1}j`)} = softmax${sub("j")}(${multiplier}<var>ω</var>${sub(`${i + 1}j`)}${scaled})` +
      (stage.dropout
        ? `, then dropout: kept weights × 1/(1 − ${rate}) = ${short(survivorScale)}, dropped ones 0`
        : "");
    const used = stage.dropout ? " after dropout" : "";
    contextFormula.innerHTML =
      `3. Context vector: ${vec("z", i + 1)} = Σ${sub("j")} <var>α</var>${sub(`${i + 1}j`)}${used} ${vec(value, "j")} = ` +
      `<span data-role="context">${vector(result.context[i])}</span>`;

    // The per-token table: score, weight as a bar and a number, and what dropout did.
    const columns = stage.dropout
      ? ["key token j", "score ω", "weight α before dropout", "after dropout"]
      : ["key token j", "score ω", "weight α"];
    stepHead.replaceChildren(el("tr", {}, ...columns.map((c) => el("th", { scope: "col", text: c }))));
    stepTable.querySelector("caption").textContent = `Query “${q}” against every token`;
    stepBody.replaceChildren(...tokens.map((token, j) => {
      const weight = result.weights[i][j];
      const bar = el("span", { class: "explorer-bar", "aria-hidden": "true" });
      bar.style.setProperty("--share", String(Math.max(weight, 0) / Math.max(1, ...result.weights[i])));
      const cells = [
        el("th", { scope: "row", text: token }),
        el("td", { "data-role": "score", text: fixed(result.scores[i][j]) }),
      ];
      let change = "";
      if (stage.dropout) {
        cells.push(el("td", { "data-role": "before-dropout", text: fixed(result.softmaxed[i][j]) }));
        if (j <= i) change = keep[i][j] ? ` (kept, × ${short(survivorScale)})` : " (dropped)";
      }
      cells.push(el("td", { class: "explorer-weight" }, bar,
        el("span", { "data-role": "weight", text: fixed(weight) }), change));
      const row = el("tr", {}, ...cells);
      if (stage.dropout && j <= i) row.className = keep[i][j] ? "kept" : "dropped";
      if (stage.masked && j > i) row.className = "masked";
      return row;
    }));
    const sum = result.weights[i].reduce((a, b) => a + b, 0);
    let why = ".";
    if (stage.dropout) {
      const seen = keep[i].slice(0, i + 1);
      const kept = seen.filter(Boolean).length;
      why = `: dropout kept ${kept} of the ${seen.length} weights this query may use, each × ` +
        `${short(survivorScale)}, and zeroed the other ${seen.length - kept}, so the sum is no longer 1.`;
    }
    rowSum.innerHTML = `The weights in this row sum to <span data-role="row-sum">${fixed(sum)}</span>${why}`;

    heatCaption.textContent = `All attention weights at this stage (row: query, column: key); the “${q}” row is the one above`;
    const top = Math.max(...result.weights.flat()) || 1; // the darkest shade marks the largest weight
    heatCells.forEach((cells, r) => cells.forEach((cell, c) => {
      const weight = result.weights[r][c];
      cell.textContent = fixed(weight, 2);
      cell.dataset.value = weight.toFixed(6);
      cell.style.setProperty("--share", String(Math.max(weight, 0) / top));
      cell.classList.toggle("current", r === i);
      cell.classList.toggle("dropped", Boolean(stage.dropout) && c <= r && !keep[r][c]);
    }));
    heatBody.querySelectorAll("th").forEach((header, r) => {
      if (r === i) header.setAttribute("aria-current", "true");
      else header.removeAttribute("aria-current");
    });
    const invalid = fields.flat().filter((field) => field.getAttribute("aria-invalid") === "true");
    inputNote.hidden = !invalid.length;
    fields.flat().forEach((field) => {
      if (invalid.includes(field)) field.setAttribute("aria-describedby", inputNote.id);
      else field.removeAttribute("aria-describedby");
    });

    clearTimeout(announceTimer);
    if (!root.dataset.ready) return; // nothing to announce for the first view
    announceTimer = setTimeout(() => {
      announcer.textContent = `${stage.label}, query ${q}: weights ` +
        result.weights[i].map((w, j) => `${tokens[j]} ${fixed(w)}`).join(", ") +
        `; context vector ${vector(result.context[i])}.`;
    }, 400);
  }

  update();
  root.hidden = false;
  root.dataset.ready = "true";
  document.getElementById("explorer-fallback")?.setAttribute("hidden", "");
})();
