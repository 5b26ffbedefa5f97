// The explorer's 3.6 stage: MultiHeadAttention recomputed in the browser, heads side by side. It starts
// from the weights the build exported from the chapter's run of 3.6 (engine/explorer.py, heads_state),
// in <script type="application/json" id="heads-data">, and draws every tensor of the class's forward
// pass at its shape: the projection, view, transpose(1, 2), each head's weights and context vectors,
// the heads joined again, and out_proj.
"use strict";

(() => {
  // Every word the stage shows or announces, in each language of the site.
  const TEXT = {
    en: {
      caseLegend: "Multi-head attention",
      cases: { mha_run: "The chapter's example", wider_run: "Wider heads" },
      size: (d, h, dh) => `d_out = ${d} over ${h} heads: ${dh} dimension${dh > 1 ? "s" : ""} per head.`,
      queryLegend: "Query token",
      partLegend: "Projection to follow",
      parts: { query: "queries", key: "keys", value: "values" },
      batch: (b) => `Each block is a tensor, drawn at its shape; the ${b} texts of the batch are stacked sheets, ` +
        "all the same sentence.",
      notes: {
        projected: "One projection for all heads; a column's colour is the head it will belong to.",
        view: "Same numbers, same order: the last axis read as (heads, head_dim).",
        split: "Each head's tokens together: a (T, head_dim) matrix per head, as in 3.4.",
        weights: (dh) => `Per head: softmax(q · k / √${dh}), later tokens masked.`,
        context: "Each head's weights times its own slice of the values.",
        regrouped: "Tokens before heads again: a row holds every head's context vector.",
        joined: "The heads side by side: d_out numbers per token.",
        output: "joined · W_outᵀ + b_out: each output mixes every head.",
      },
      regions: { split: "Splitting into heads", heads: "Each head", joined: "Joining the heads", embeddings: "Embeddings" },
      head: (k) => `head ${k}`,
      headReadout: (k, q) => `Head ${k}, query “${q}”: weights `,
      contextWord: "; context vector ",
      joinedReadout: (q) => `Joined, for “${q}”: `,
      outputReadout: (q) => `After out_proj, for “${q}”: `,
      embeddingsCaption: "The six embeddings (edit any value)",
      tokenHeader: "token",
      dimHeader: (n) => `dim ${n}`,
      fieldLabel: (token, n) => `3.6: ${token}, dimension ${n}`,
      reset: "Back to the chapter's embeddings, in this stage",
      announce: (label, q, heads, out) => `${label}, query ${q}: ` +
        heads.map((v, k) => `head ${k} context vector ${v}`).join("; ") + `; output ${out}.`,
    },
    ja: {
      caseLegend: "マルチヘッドアテンション",
      cases: { mha_run: "章の例", wider_run: "次元数の大きいヘッド" },
      size: (d, h, dh) => `d_out = ${d}を${h}つのヘッドに分けます。1つのヘッドは${dh}次元です。`,
      queryLegend: "クエリのトークン",
      partLegend: "たどる射影",
      parts: { query: "クエリ", key: "キー", value: "バリュー" },
      batch: (b) => `ブロックはどれもテンソルで、形のとおりに描いています。バッチの${b}つのテキストは重ねた紙のように描いてあり、どれも同じ文です。`,
      notes: {
        projected: "全ヘッド共通の射影です。列の色は、その列があとで属するヘッドを表します。",
        view: "数も順序も同じです。最後の軸を(ヘッド数, head_dim)として読みます。",
        split: "各ヘッドのトークンがまとまります。3.4と同じく、ヘッドごとに(T, head_dim)の行列です。",
        weights: (dh) => `ヘッドごとにsoftmax(q · k / √${dh})。後ろのトークンはマスクします。`,
        context: "各ヘッドの重みに、バリューのうちそのヘッドの担当部分を掛けます。",
        regrouped: "トークンの軸がヘッドの前に戻ります。1行に全ヘッドのコンテキストベクトルが並びます。",
        joined: "ヘッドを横に並べ直しました。トークンごとにd_out個の数です。",
        output: "連結したベクトル · W_outᵀ + b_out。どの出力も、全ヘッドを混ぜ合わせたものです。",
      },
      regions: { split: "ヘッドへの分割", heads: "ヘッドごとの計算", joined: "ヘッドの連結", embeddings: "埋め込み" },
      head: (k) => `ヘッド${k}`,
      headReadout: (k, q) => `ヘッド${k}、クエリ「${q}」の重み：`,
      contextWord: "、コンテキストベクトル：",
      joinedReadout: (q) => `「${q}」の連結したベクトル：`,
      outputReadout: (q) => `「${q}」のout_proj後：`,
      embeddingsCaption: "6つの埋め込み（どの値も編集できます）",
      tokenHeader: "トークン",
      dimHeader: (n) => `${n}次元目`,
      fieldLabel: (token, n) => `3.6：${token}、${n}次元目`,
      reset: "この段階の埋め込みを章の値に戻す",
      announce: (label, q, heads, out) => `${label}、クエリ「${q}」。` +
        heads.map((v, k) => `ヘッド${k}のコンテキストベクトルは${v}`).join("、") + `。出力は${out}。`,
    },
    ko: {
      caseLegend: "멀티 헤드 어텐션",
      cases: { mha_run: "3장의 예", wider_run: "차원이 더 큰 헤드" },
      size: (d, h, dh) => `d_out = ${d}를 헤드 ${h}개로 나눕니다. 헤드 하나는 ${dh}차원입니다.`,
      queryLegend: "쿼리 토큰",
      partLegend: "따라갈 투영",
      parts: { query: "쿼리", key: "키", value: "값" },
      batch: (b) => `블록은 모두 텐서이고, 그 형태대로 그렸습니다. 배치의 텍스트 ${b}개는 겹쳐 놓은 종이처럼 그렸으며, 모두 같은 문장입니다.`,
      notes: {
        projected: "모든 헤드가 함께 쓰는 투영입니다. 열의 색은 그 열이 나중에 속할 헤드를 나타냅니다.",
        view: "숫자도 순서도 그대로입니다. 마지막 축을 (헤드, head_dim)으로 읽습니다.",
        split: "각 헤드의 토큰이 한데 모입니다. 3.4처럼 헤드마다 (T, head_dim) 행렬입니다.",
        weights: (dh) => `헤드마다 softmax(q · k / √${dh}). 뒤의 토큰은 마스크합니다.`,
        context: "각 헤드의 가중치에 그 헤드 몫으로 자른 값 벡터를 곱합니다.",
        regrouped: "토큰 축이 다시 헤드 앞으로 옵니다. 한 행에 모든 헤드의 문맥 벡터가 있습니다.",
        joined: "헤드를 다시 나란히 이었습니다. 토큰마다 숫자 d_out개입니다.",
        output: "이은 벡터 · W_outᵀ + b_out. 출력의 수 하나하나에 모든 헤드가 섞여 있습니다.",
      },
      regions: { split: "헤드로 나누기", heads: "헤드별 계산", joined: "헤드 잇기", embeddings: "임베딩" },
      head: (k) => `헤드 ${k}`,
      headReadout: (k, q) => `헤드 ${k}, 쿼리 “${q}”의 가중치: `,
      contextWord: ", 문맥 벡터: ",
      joinedReadout: (q) => `“${q}”의 이은 벡터: `,
      outputReadout: (q) => `“${q}”의 out_proj 결과: `,
      embeddingsCaption: "임베딩 6개(모든 값을 편집할 수 있습니다)",
      tokenHeader: "토큰",
      dimHeader: (n) => `${n}번째 차원`,
      fieldLabel: (token, n) => `3.6: ${token}, ${n}번째 차원`,
      reset: "이 단계의 임베딩을 3장의 값으로 되돌리기",
      announce: (label, q, heads, out) => `${label}, 쿼리 “${q}”: ` +
        heads.map((v, k) => `헤드 ${k}의 문맥 벡터 ${v}`).join("; ") + `; 출력 ${out}.`,
    },
  };
  const T = TEXT[document.documentElement.lang] || TEXT.en;

  const root = document.getElementById("heads-explorer");
  const source = document.getElementById("heads-data");
  if (!root || !source) return;
  const data = JSON.parse(source.textContent);
  const { tokens, cases } = data;
  const [b, , dIn] = data.shape;
  const LIMIT = 100; // keeps every score finite and every number readable
  const state = { case: 0, query: 1, part: "query", inputs: data.inputs.map((row) => row.slice()) };

  // ---- the arithmetic of MultiHeadAttention.forward, for one text ----

  const range = (n) => [...Array(n).keys()];
  const dot = (a, c) => a.reduce((sum, value, k) => sum + value * c[k], 0);
  const matmul = (X, W) => X.map((x) => W[0].map((_, col) => dot(x, W.map((row) => row[col]))));
  const softmax = (row) => {
    const exps = row.map((value) => Math.exp(value - Math.max(...row))); // exp(−∞) is 0: masked
    const total = exps.reduce((a, c) => a + c, 0);
    return exps.map((value) => value / total);
  };

  function compute(c, X) {
    const dh = c.head_dim;
    const projected = { query: matmul(X, c.query), key: matmul(X, c.key), value: matmul(X, c.value) };
    const split = {}; // (num_heads, T, head_dim): split_heads, i.e. view, then transpose(1, 2)
    for (const part in projected) {
      split[part] = range(c.num_heads).map((k) => projected[part].map((row) => row.slice(k * dh, (k + 1) * dh)));
    }
    const weights = split.query.map((Q, k) => Q.map((q, i) => softmax(
      split.key[k].map((key, j) => (j > i ? -Infinity : dot(q, key) / Math.sqrt(dh))))));
    const context = weights.map((W, k) => matmul(W, split.value[k])); // (num_heads, T, head_dim)
    const joined = X.map((_, i) => context.flatMap((C) => C[i])); // (T, d_out)
    const output = matmul(joined, c.out).map((row) => row.map((value, d) => value + c.out_bias[d]));
    return { projected, split, weights, context, joined, output };
  }

  // ---- drawing ----

  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  };
  const fixed = (value, digits = 4) => value.toFixed(digits).replace("-", "−");
  const vector = (values) => "[" + values.map((v) => fixed(v)).join(", ") + "]";

  // A group of options whose choice sets state[name] to the option's value.
  function radioGroup(name, legend, labels, values) {
    const group = el("fieldset", {}, el("legend", { text: legend }));
    labels.forEach((label, index) => {
      const id = `heads-${name}-${index}`;
      const input = el("input", { type: "radio", name: id.slice(0, -2), id });
      input.checked = values[index] === state[name];
      input.addEventListener("change", () => {
        state[name] = values[index];
        update();
      });
      group.append(el("span", {}, input, el("label", { for: id, text: label })));
    });
    return group;
  }

  // One tensor as a block: its code and shape, the batch's texts as stacked sheets, and in front a table
  // per leading index (a head), with a row per token. `heads(m, j)` gives the head (the colour) of
  // column j of table m; `grouped` draws a (T, heads, head_dim) pair of axes as rows of head groups;
  // `keys` makes the columns the key tokens, shaded by weight, those after the row's token masked.
  function tensor(name, code, shape, matrices, { heads, grouped, keys } = {}) {
    const { num_heads: h, head_dim: dh } = cases[state.case];
    const front = el("div", { class: "heads-front", "data-sheet": "" });
    front.append(...matrices.map((matrix, m) => {
      const table = el("table", { class: "heads-table" });
      if (matrices.length > 1) table.append(el("caption", { class: `h${m}`, text: T.head(m) }));
      const columns = keys ? tokens.map((t) => el("th", { scope: "col", text: t }))
        : grouped ? range(h).map((k) => el("th", { scope: "colgroup", colspan: dh, text: T.head(k) }))
          : [];
      if (columns.length) table.append(el("thead", {}, el("tr", {}, el("td"), ...columns)));
      table.append(el("tbody", {}, ...matrix.map((row, i) => el("tr", i === state.query ? { class: "current" } : {},
        el("th", { scope: "row", text: tokens[i] }),
        ...row.map((value, j) => {
          const cell = el("td", { "data-value": value.toFixed(6), text: fixed(value, 2) });
          const k = heads ? heads(m, j) : null;
          if (k !== null) cell.dataset.head = k;
          cell.className = [k === null ? "" : `h${k}`, grouped && j && k !== heads(m, j - 1) ? "group" : "",
            keys && j > i ? "masked" : ""].join(" ").trim();
          if (keys) cell.style.setProperty("--share", String(value));
          return cell;
        })))));
      return table;
    }));
    const stack = el("div", { class: "heads-stack" });
    for (let s = b - 1; s > 0; s -= 1) {
      const sheet = el("span", { class: "heads-sheet", "data-sheet": "", "aria-hidden": "true" });
      sheet.style.setProperty("--depth", String(s));
      stack.append(sheet);
    }
    stack.append(front);
    const note = T.notes[name];
    return el("div", { class: "heads-tensor", "data-tensor": name, "data-shape": shape.join(",") },
      el("p", { class: "heads-code" }, el("code", { text: code }), ` (${shape.join(", ")})`),
      el("p", { class: "heads-note", text: typeof note === "function" ? note(dh) : note }),
      stack);
  }

  const region = (label, ...children) =>
    el("div", { class: "heads-scroll", tabindex: "0", role: "region", "aria-label": label }, ...children);
  const sizeNote = el("p");
  const regions = { split: region(T.regions.split), heads: region(T.regions.heads), joined: region(T.regions.joined) };
  const headReadouts = el("div");
  const joinedReadout = el("p");
  const outputReadout = el("p");

  const editor = el("table", { class: "heads-embeddings" }, el("caption", { text: T.embeddingsCaption }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: T.tokenHeader }),
      ...range(dIn).map((d) => el("th", { scope: "col", text: T.dimHeader(d + 1) })))));
  const fields = tokens.map((token, i) => range(dIn).map((d) => {
    const field = el("input", {
      type: "number", step: "0.01", min: String(-LIMIT), max: String(LIMIT), value: String(data.inputs[i][d]),
      "aria-label": T.fieldLabel(token, d + 1), "data-token": String(i), "data-dim": String(d),
    });
    field.addEventListener("input", () => {
      const parsed = Number.parseFloat(field.value);
      const valid = field.value.trim() !== "" && Math.abs(parsed) <= LIMIT;
      field.setAttribute("aria-invalid", String(!valid));
      if (valid) state.inputs[i][d] = parsed; // else the last number stays until the field holds one again
      update();
    });
    return field;
  }));
  editor.append(el("tbody", {}, ...fields.map((row, i) =>
    el("tr", {}, el("th", { scope: "row", text: tokens[i] }), ...row.map((f) => el("td", {}, f))))));
  const reset = el("button", { type: "button", class: "heads-reset", text: T.reset });
  reset.addEventListener("click", () => {
    state.inputs = data.inputs.map((row) => row.slice());
    fields.forEach((row, i) => row.forEach((field, d) => {
      field.value = String(data.inputs[i][d]);
      field.setAttribute("aria-invalid", "false");
    }));
    update();
  });
  const announcer = el("p", { class: "heads-announcer", "aria-live": "polite", "aria-atomic": "true", "data-role": "announcer" });

  root.append(
    el("div", { class: "heads-controls" },
      radioGroup("case", T.caseLegend, cases.map((c) => T.cases[c.section]), range(cases.length)),
      radioGroup("query", T.queryLegend, tokens, range(tokens.length)),
      radioGroup("part", T.partLegend, Object.values(T.parts), Object.keys(T.parts))),
    sizeNote,
    el("p", { class: "heads-note", text: T.batch(b) }),
    regions.split, regions.heads, headReadouts, regions.joined, joinedReadout, outputReadout,
    region(T.regions.embeddings, editor),
    reset, announcer,
  );

  // ---- showing a state ----

  let announceTimer = null;

  function update() {
    const c = cases[state.case];
    const { num_heads: h, head_dim: dh, d_out: dOut } = c;
    const r = compute(c, state.inputs);
    const i = state.query;
    const q = tokens[i];
    const n = tokens.length;
    const byColumn = (_, j) => Math.floor(j / dh);
    const byTable = (m) => m;
    const name = `W_${state.part}(x)`;
    sizeNote.textContent = T.size(dOut, h, dh);
    regions.split.replaceChildren(el("div", { class: "heads-row" },
      tensor("projected", name, [b, n, dOut], [r.projected[state.part]], { heads: byColumn }),
      tensor("view", `.view(${b}, ${n}, ${h}, ${dh})`, [b, n, h, dh], [r.projected[state.part]], { heads: byColumn, grouped: true }),
      tensor("split", ".transpose(1, 2)", [b, h, n, dh], r.split[state.part], { heads: byTable })));
    regions.heads.replaceChildren(el("div", { class: "heads-row" },
      tensor("weights", "attn_weights", [b, h, n, n], r.weights, { heads: byTable, keys: true }),
      tensor("context", "attn_weights @ values", [b, h, n, dh], r.context, { heads: byTable })));
    regions.joined.replaceChildren(el("div", { class: "heads-row" },
      tensor("regrouped", ".transpose(1, 2)", [b, n, h, dh], [r.joined], { heads: byColumn, grouped: true }),
      tensor("joined", `.contiguous().view(${b}, ${n}, ${dOut})`, [b, n, dOut], [r.joined], { heads: byColumn }),
      tensor("output", "out_proj(context)", [b, n, dOut], [r.output])));
    const read = (role, values) => el("span", { "data-role": role, text: vector(values) });
    headReadouts.replaceChildren(...range(h).map((k) => el("p", { class: `h${k}` }, T.headReadout(k, q),
      read("head-weights", r.weights[k][i]), T.contextWord, read("head-context", r.context[k][i]))));
    joinedReadout.replaceChildren(T.joinedReadout(q), read("joined", r.joined[i]));
    outputReadout.replaceChildren(T.outputReadout(q), read("output", r.output[i]));

    clearTimeout(announceTimer);
    if (!root.dataset.ready) return; // nothing to announce for the first view
    announceTimer = setTimeout(() => {
      announcer.textContent = T.announce(T.cases[c.section], q, r.context.map((C) => vector(C[i])), vector(r.output[i]));
    }, 400);
  }

  update();
  root.hidden = false;
  root.dataset.ready = "true";
  document.getElementById("heads-fallback")?.setAttribute("hidden", "");
})();
