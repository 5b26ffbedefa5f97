// The attention explorer: sections 3.3 to 3.5 recomputed in the browser, for one query token at a time.
// It starts from the numbers the build exported from the chapter's own runs (engine/explorer.py),
// in the <script type="application/json" id="explorer-data"> element of the page.
"use strict";

(() => {
  // Every word the explorer shows or announces, in each language of the site. The functions fill in
  // numbers and pieces of formula (HTML) that the code below has already computed and formatted.
  const TEXT = {
    en: {
      stages: {
        dot: {
          label: "3.3 Dot products",
          note: "No trainable weights: each token's embedding serves as its query, key and value.",
        },
        unscaled: {
          label: "3.4 Projections, unscaled",
          note: "Queries, keys and values are the embeddings times W_query, W_key and W_value " +
            "(the seeded matrices of section 3.4). The scores go into softmax as they are.",
        },
        scaled: {
          label: "3.4 Projections, scaled by √d_k",
          note: "As before, but the scores are divided by √d_k before softmax, as SelfAttention_v1 does.",
        },
        causal: {
          label: "3.5 Causal mask",
          note: "The weights of the SelfAttention_v2 that section 3.5 starts from. Scores of later " +
            "tokens become −∞, so softmax gives them weight 0 and shares 1 among the rest.",
        },
        dropout: {
          label: "3.5 Mask, then dropout",
          note: "Dropout (training only) zeroes the weights where the chapter's seeded pattern says so and " +
            "divides the survivors by 1 − p, so rows no longer sum to 1.",
        },
      },
      stageLegend: "Stage of the chapter",
      queryLegend: "Query token",
      multiplier: "Score multiplier c (1 is the chapter's setting)",
      embeddingsCaption: "The six embeddings (edit any value)",
      tokenHeader: "token",
      dimHeader: (n) => `dim ${n}`,
      fieldLabel: (token, n) => `${token}, dimension ${n}`,
      fieldRange: (limit) => `A number from −${limit} to ${limit}`,
      reset: "Reset to the chapter's embeddings",
      inputNote: (limit) => `A field above holds no number from −${limit} to ${limit}; the explorer keeps using its last value.`,
      regions: { steps: "Scores and weights", heatmap: "Weight matrix", embeddings: "Embeddings" },
      projection: (formulas, q, result) => `Projections: ${formulas.join(", ")}. For “${q}”: ${result}`,
      scores: (formula) => `1. Scores: ${formula}`,
      masked: (n) => `, and −∞ for every later token (j &gt; ${n})`,
      weights: (formula) => `2. Weights: ${formula}`,
      dropout: (rate, scale) => `, then dropout: kept weights × 1/(1 − ${rate}) = ${scale}, dropped ones 0`,
      afterDropout: " after dropout",
      context: (formula) => `3. Context vector: ${formula}`,
      columns: ["key token j", "score ω", "weight α"],
      dropoutColumns: ["key token j", "score ω", "weight α before dropout", "after dropout"],
      stepsCaption: (q) => `Query “${q}” against every token`,
      kept: (scale) => ` (kept, × ${scale})`,
      dropped: " (dropped)",
      rowSum: (sum, d) => `The weights in this row sum to ${sum}` + (d
        ? `: dropout kept ${d.kept} of the ${d.seen} weights this query may use, each × ` +
          `${d.scale}, and zeroed the other ${d.zeroed}, so the sum is no longer 1.`
        : "."),
      heatmapCaption: (q) => `All attention weights at this stage (row: query, column: key); the “${q}” row is the one above`,
      announce: (stage, q, weights, context) =>
        `${stage}, query ${q}: weights ${weights.join(", ")}; context vector ${context}.`,
    },
    ja: {
      stages: {
        dot: {
          label: "3.3 内積",
          note: "学習可能な重みはありません。各トークンの埋め込みが、そのままクエリ・キー・バリューになります。",
        },
        unscaled: {
          label: "3.4 射影、スケーリングなし",
          note: "クエリ・キー・バリューは、埋め込みにW_query、W_key、W_value（3.4節でシードを固定して作った行列）を" +
            "掛けたものです。スコアはそのままソフトマックスに入ります。",
        },
        scaled: {
          label: "3.4 射影、√d_kでスケーリング",
          note: "前の段階と同じですが、SelfAttention_v1と同じように、ソフトマックスの前にスコアを√d_kで割ります。",
        },
        causal: {
          label: "3.5 因果マスク",
          note: "3.5節の出発点であるSelfAttention_v2の重みです。後ろのトークンのスコアは−∞になるので、" +
            "ソフトマックスはそれらに重み0を与え、残りのトークンで1を分け合います。",
        },
        dropout: {
          label: "3.5 マスクのあとにドロップアウト",
          note: "ドロップアウト（学習時のみ）は、章でシードを固定したパターンが示す位置の重みを0にし、" +
            "保持した重みを1 − pで割ります。そのため、行の合計は1ではなくなります。",
        },
      },
      stageLegend: "章の段階",
      queryLegend: "クエリのトークン",
      multiplier: "スコアの倍率c（章の設定は1）",
      embeddingsCaption: "6つの埋め込み（どの値も編集できます）",
      tokenHeader: "トークン",
      dimHeader: (n) => `${n}次元目`,
      fieldLabel: (token, n) => `${token}、${n}次元目`,
      fieldRange: (limit) => `−${limit}から${limit}までの数`,
      reset: "章の埋め込みに戻す",
      inputNote: (limit) => `上の欄のどれかに、−${limit}から${limit}までの数が入っていません。` +
        "その欄については、エクスプローラーは最後の値を使い続けます。",
      regions: { steps: "スコアと重み", heatmap: "重み行列", embeddings: "埋め込み" },
      projection: (formulas, q, result) => `射影：${formulas.join("、")}。「${q}」では${result}`,
      scores: (formula) => `1. スコア：${formula}`,
      masked: (n) => `。ただし、後ろのトークン（j &gt; ${n}）では−∞`,
      weights: (formula) => `2. 重み：${formula}`,
      dropout: (rate, scale) => `。続いてドロップアウト：保持する重みは1/(1 − ${rate}) = ${scale}倍、ドロップする重みは0`,
      afterDropout: "（ドロップアウト後）",
      context: (formula) => `3. コンテキストベクトル：${formula}`,
      columns: ["キーのトークン（j）", "スコア（ω）", "重み（α）"],
      dropoutColumns: ["キーのトークン（j）", "スコア（ω）", "ドロップアウト前の重み（α）", "ドロップアウト後"],
      stepsCaption: (q) => `クエリ「${q}」と各トークン`,
      kept: (scale) => `（保持、× ${scale}）`,
      dropped: "（ドロップ）",
      rowSum: (sum, d) => `この行の重みの合計は${sum}です。` + (d
        ? `ドロップアウトは、このクエリが使える${d.seen}個の重みのうち${d.kept}個を保持してそれぞれ${d.scale}倍にし、` +
          `残りの${d.zeroed}個を0にしました。そのため、合計はもう1ではありません。`
        : ""),
      heatmapCaption: (q) => `この段階のすべてのアテンション重み（行：クエリ、列：キー）。「${q}」の行が、上の表に示した行です`,
      announce: (stage, q, weights, context) =>
        `${stage}、クエリ「${q}」。重みは${weights.join("、")}。コンテキストベクトルは${context}。`,
    },
    ko: {
      stages: {
        dot: {
          label: "3.3 점곱",
          note: "훈련 가능한 가중치가 없습니다. 각 토큰의 임베딩이 그대로 쿼리, 키, 값이 됩니다.",
        },
        unscaled: {
          label: "3.4 투영, 스케일링 없음",
          note: "쿼리, 키, 값은 임베딩에 W_query, W_key, W_value(3.4절에서 시드를 고정해 만든 행렬)를 " +
            "곱한 것입니다. 점수는 그대로 소프트맥스에 들어갑니다.",
        },
        scaled: {
          label: "3.4 투영, √d_k로 스케일링",
          note: "앞 단계와 같지만, SelfAttention_v1처럼 소프트맥스 전에 점수를 √d_k로 나눕니다.",
        },
        causal: {
          label: "3.5 인과 마스크",
          note: "3.5절의 출발점인 SelfAttention_v2의 가중치입니다. 쿼리보다 뒤에 있는 토큰의 점수는 −∞가 되므로 " +
            "소프트맥스는 그 토큰들에 가중치 0을 주고, 나머지 토큰이 1을 나눠 가집니다.",
        },
        dropout: {
          label: "3.5 마스크 후 드롭아웃",
          note: "드롭아웃(훈련할 때만)은 3장에서 시드를 고정한 패턴이 가리키는 위치의 가중치를 0으로 만들고, " +
            "남긴 가중치를 1 − p로 나눕니다. 그래서 행의 합이 더는 1이 아닙니다.",
        },
      },
      stageLegend: "3장의 단계",
      queryLegend: "쿼리 토큰",
      multiplier: "점수 배율 c(3장의 설정은 1)",
      embeddingsCaption: "임베딩 6개(모든 값을 편집할 수 있습니다)",
      tokenHeader: "토큰",
      dimHeader: (n) => `${n}번째 차원`,
      fieldLabel: (token, n) => `${token}, ${n}번째 차원`,
      fieldRange: (limit) => `−${limit}에서 ${limit} 사이의 수`,
      reset: "3장의 임베딩으로 되돌리기",
      inputNote: (limit) => `위 칸 가운데 −${limit}에서 ${limit} 사이의 수가 들어 있지 않은 칸이 있습니다. ` +
        "탐색기는 그 칸에 마지막으로 올바르게 입력된 수를 계속 씁니다.",
      regions: { steps: "점수와 가중치", heatmap: "가중치 행렬", embeddings: "임베딩" },
      projection: (formulas, q, result) => `투영: ${formulas.join(", ")}. “${q}”의 경우 ${result}`,
      scores: (formula) => `1. 점수: ${formula}`,
      masked: (n) => `. 단, 쿼리보다 뒤에 있는 토큰(j &gt; ${n})은 −∞`,
      weights: (formula) => `2. 가중치: ${formula}`,
      dropout: (rate, scale) => `. 이어서 드롭아웃: 남긴 가중치는 1/(1 − ${rate}) = ${scale}배, 버린 가중치는 0`,
      afterDropout: " (드롭아웃 후)",
      context: (formula) => `3. 문맥 벡터: ${formula}`,
      columns: ["키 토큰(j)", "점수(ω)", "가중치(α)"],
      dropoutColumns: ["키 토큰(j)", "점수(ω)", "드롭아웃 전 가중치(α)", "드롭아웃 후"],
      stepsCaption: (q) => `쿼리 “${q}”에 대한 각 토큰의 점수와 가중치`,
      kept: (scale) => ` (남김, × ${scale})`,
      dropped: " (버림)",
      rowSum: (sum, d) => `이 행의 가중치 합은 ${sum}입니다` + (d
        ? `. 드롭아웃은 이 쿼리가 쓸 수 있는 가중치 ${d.seen}개 가운데 ${d.kept}개를 남겨 각각 ${d.scale}배로 키우고, ` +
          `나머지 ${d.zeroed}개를 0으로 만들었습니다. 그래서 합이 더는 1이 아닙니다.`
        : "."),
      heatmapCaption: (q) => `이 단계의 모든 어텐션 가중치(행: 쿼리, 열: 키). “${q}” 행이 위 표에 나온 행입니다`,
      announce: (stage, q, weights, context) =>
        `${stage}, 쿼리 “${q}”: 가중치 ${weights.join(", ")}; 문맥 벡터 ${context}.`,
    },
  };
  const T = TEXT[document.documentElement.lang] || TEXT.en;

  const STAGES = [
    { id: "dot" },
    { id: "unscaled", weights: "trainable" },
    { id: "scaled", weights: "trainable", scaled: true },
    { id: "causal", weights: "causal", scaled: true, masked: true },
    { id: "dropout", weights: "causal", scaled: true, masked: true, dropout: true },
  ].map((stage) => ({ ...stage, ...T.stages[stage.id] })); // label and note in the page's language

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

  const stageGroup = radioGroup("stage", T.stageLegend, STAGES.map((s) => s.label), 0, (index) => {
    state.stage = STAGES[index];
    update();
  });
  const queryGroup = radioGroup("query", T.queryLegend, tokens, state.query, (index) => {
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
    el("label", { for: "explorer-multiplier", text: T.multiplier }),
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
    el("caption", { text: T.embeddingsCaption }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: T.tokenHeader }),
      ...data.inputs[0].map((_, d) => el("th", { scope: "col", text: T.dimHeader(d + 1) })))),
  );
  const editorBody = el("tbody");
  const fields = tokens.map((token, i) => {
    const row = data.inputs[i].map((value, d) => {
      const field = el("input", {
        type: "number", step: "0.01", min: String(-LIMIT), max: String(LIMIT), value: String(value),
        "aria-label": T.fieldLabel(token, d + 1), "data-row": String(i), "data-col": String(d),
        title: T.fieldRange(LIMIT),
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
  const reset = el("button", { type: "button", class: "explorer-reset", text: T.reset });
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
    text: T.inputNote(LIMIT),
  });

  root.append(
    el("div", { class: "explorer-controls" }, stageGroup, queryGroup, scale),
    stageNote,
    el("div", { class: "explorer-formulas" }, projection, scoreFormula, weightFormula),
    el("div", { class: "explorer-scroll", tabindex: "0", role: "region", "aria-label": T.regions.steps }, stepTable),
    rowSum,
    contextFormula,
    el("div", { class: "explorer-scroll", tabindex: "0", role: "region", "aria-label": T.regions.heatmap }, heatmap),
    el("div", { class: "explorer-scroll", tabindex: "0", role: "region", "aria-label": T.regions.embeddings }, editor),
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
      projection.innerHTML = T.projection([
        `${vec("q", "i")} = ${x("i")} <var>W</var>${sub("query")}`,
        `${vec("k", "j")} = ${x("j")} <var>W</var>${sub("key")}`,
        `${vec("v", "j")} = ${x("j")} <var>W</var>${sub("value")}`,
      ], q, `${vec("q", i + 1)} = <span data-role="query-vector">${vector(result.queries[i])}</span>`);
    }
    scoreFormula.innerHTML =
      T.scores(`<var>ω</var>${sub(`${i + 1}j`)} = ${vec(query, i + 1)} · ${vec(key, "j")}`) +
      (stage.masked ? T.masked(i + 1) : "");
    weightFormula.innerHTML =
      T.weights(`<var>α</var>${sub(`${i + 1}j`)} = softmax${sub("j")}(${multiplier}<var>ω</var>${sub(`${i + 1}j`)}${scaled})`) +
      (stage.dropout ? T.dropout(rate, short(survivorScale)) : "");
    const used = stage.dropout ? T.afterDropout : "";
    contextFormula.innerHTML = T.context(
      `${vec("z", i + 1)} = Σ${sub("j")} <var>α</var>${sub(`${i + 1}j`)}${used} ${vec(value, "j")} = ` +
      `<span data-role="context">${vector(result.context[i])}</span>`);

    // The per-token table: score, weight as a bar and a number, and what dropout did.
    const columns = stage.dropout ? T.dropoutColumns : T.columns;
    stepHead.replaceChildren(el("tr", {}, ...columns.map((c) => el("th", { scope: "col", text: c }))));
    stepTable.querySelector("caption").textContent = T.stepsCaption(q);
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
        if (j <= i) change = keep[i][j] ? T.kept(short(survivorScale)) : T.dropped;
      }
      cells.push(el("td", { class: "explorer-weight" }, bar,
        el("span", { "data-role": "weight", text: fixed(weight) }), change));
      const row = el("tr", {}, ...cells);
      if (stage.dropout && j <= i) row.className = keep[i][j] ? "kept" : "dropped";
      if (stage.masked && j > i) row.className = "masked";
      return row;
    }));
    const sum = result.weights[i].reduce((a, b) => a + b, 0);
    let dropoutSummary = null;
    if (stage.dropout) {
      const seen = keep[i].slice(0, i + 1);
      const kept = seen.filter(Boolean).length;
      dropoutSummary = { kept, seen: seen.length, scale: short(survivorScale), zeroed: seen.length - kept };
    }
    rowSum.innerHTML = T.rowSum(`<span data-role="row-sum">${fixed(sum)}</span>`, dropoutSummary);

    heatCaption.textContent = T.heatmapCaption(q);
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
      announcer.textContent = T.announce(stage.label, q,
        result.weights[i].map((w, j) => `${tokens[j]} ${fixed(w)}`), vector(result.context[i]));
    }, 400);
  }

  update();
  root.hidden = false;
  root.dataset.ready = "true";
  document.getElementById("explorer-fallback")?.setAttribute("hidden", "");
})();
