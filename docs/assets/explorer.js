// The attention explorer: sections 3.3 to 3.5 recomputed in the browser, for one query token at a time,
// as numbers and as arrows in the plane of the 2-D queries, keys and values.
// It starts from the numbers the build exported from the chapter's own runs (engine/explorer.py),
// in the <script type="application/json" id="explorer-data"> element of the page.
"use strict";

(() => {
  // Every word the explorer shows or announces, in each language of the site. The functions fill in
  // numbers and pieces of formula (HTML) that the code below has already computed and formatted.
  const TEXT = {
    en: {
      presets: {
        dot: "3.3 Dot products",
        unscaled: "3.4 Projections, unscaled",
        scaled: "3.4 Projections, scaled by √d_k",
        causal: "3.5 Causal mask",
        dropout: "3.5 Mask, then dropout",
      },
      presetLegend: "The chapter's stages (each sets the choices below)",
      weightsLegend: "Weights W_query, W_key, W_value",
      weightSets: { none: "none (3.3)", trainable: "3.4: torch.rand, seed 123", causal: "3.5: SelfAttention_v2, seed 789" },
      weightsNote: {
        none: "No trainable weights: each token's embedding serves as its query, key and value.",
        trainable: "The matrices of section 3.4: torch.manual_seed(123), then torch.rand(3, 2) for each.",
        causal: "The weights section 3.5 starts from. Section 3.5 builds SelfAttention_v2, whose nn.Linear layers " +
          "draw their own weights after torch.manual_seed(789), so they are not 3.4's. To see what the mask or " +
          "dropout does by itself, keep 3.4's weights and switch only them.",
      },
      swapped: (from, to) => ` Pressing this stage also changed the weights, from “${from}” to “${to}”: each stage uses its own section's weights.`,
      switchLegend: "One change at a time",
      switches: { scaled: "divide by √d_k", masked: "causal mask", dropout: "dropout (training)" },
      notes: {
        masked: "Scores of later tokens become −∞, so softmax gives them weight 0 and shares 1 among the rest.",
        dropout: "Dropout zeroes the weights where the chapter's seeded pattern says so and divides the " +
          "survivors by 1 − p, so rows no longer sum to 1.",
      },
      queryLegend: "Query token",
      multiplier: "Score multiplier c (1 is the chapter's setting)",
      embeddingsCaption: "The six embeddings (edit any value)",
      matrixCaption: (name) => `${name} (edit any entry)`,
      tokenHeader: "token",
      dimHeader: (n) => `dim ${n}`,
      fieldLabel: (token, n) => `${token}, dimension ${n}`,
      matrixLabel: (name, row, col) => `${name}, row ${row}, column ${col}`,
      fieldRange: (limit) => `A number from −${limit} to ${limit}`,
      reset: "Reset to the chapter's numbers",
      inputNote: (limit) => `A field above holds no number from −${limit} to ${limit}; the explorer keeps using its last value.`,
      regions: { steps: "Scores and weights", heatmap: "Weight matrix", embeddings: "Embeddings", matrices: "Weight matrices" },
      projection: (formulas, q, result) => `Projections: ${formulas.join(", ")}. For “${q}”: ${result}`,
      scores: (formula, norm) => `1. Scores: ${formula}, that is |<var>q</var>| = ${norm} times each key's length along the query`,
      masked: (n) => `, and −∞ for every later token (j &gt; ${n})`,
      weights: (formula) => `2. Weights: ${formula}`,
      dropout: (rate, scale) => `, then dropout: kept weights × 1/(1 − ${rate}) = ${scale}, dropped ones 0`,
      afterDropout: " after dropout",
      context: (formula) => `3. Context vector: ${formula}`,
      columns: ["key token j", "length along q", "score ω", "weight α"],
      beforeDropout: ["weight α before dropout", "after dropout"],
      stepsCaption: (q) => `Query “${q}” against every token`,
      kept: (scale) => ` (kept, × ${scale})`,
      dropped: " (dropped)",
      rowSum: (sum, d) => `The weights in this row sum to ${sum}` + (!d ? "."
        : !d.kept ? `: dropout zeroed all ${d.seen} weights this query may use, so its context vector is 0.`
        : !d.zeroed ? `: dropout kept all ${d.seen} weights this query may use, each × ${d.scale}, so the sum is no longer 1.`
        : `: dropout kept ${d.kept} of the ${d.seen} weights this query may use, each × ` +
          `${d.scale}, and zeroed the other ${d.zeroed}, so the sum is no longer 1.`),
      heatmapCaption: (q) => `All attention weights at this stage (row: query, column: key); the “${q}” row is the one above`,
      hint: "Drag the dot at the tip of an arrow, or reach it with Tab and move it with the arrow keys: the token's " +
        "embedding changes as little as it can to move that arrow there, and its other arrows follow.",
      scoresPanel: (q) => `The query of “${q}” (thick) and every key. A key's score is |q| times its length along ` +
        "the query's line, where its dotted line meets it.",
      contextPanel: (q) => `The values, and the context vector z of “${q}”: each value times its weight, ` +
        "laid head to tail (thicker arrows weigh more).",
      viewLegend: "Matrix drawn below",
      spacePanel: (name) => "The six embeddings in 3-D." + (name ? ` The dashed line is the direction ${name} sends to 0.` : ""),
      imagePanel: (name) => `The same six, times ${name}: 3 numbers each become 2.`,
      noPlane: "With no weights (3.3), queries, keys and values are the 3-D embeddings themselves: choose weights to see them in a plane.",
      kinds: { query: "query", key: "key", value: "value" },
      handle: (kind, token, at) => `${kind} of “${token}” at ${at}`,
      lost: "lost",
      moved: (kind, token, x) => `Moved the ${kind} of ${token}; its embedding is now ${x}. `,
      announce: (setting, q, weights, context) =>
        `${setting}, query ${q}: weights ${weights.join(", ")}; context vector ${context}.`,
    },
    ja: {
      presets: {
        dot: "3.3 内積",
        unscaled: "3.4 射影、スケーリングなし",
        scaled: "3.4 射影、√d_kでスケーリング",
        causal: "3.5 因果マスク",
        dropout: "3.5 マスクのあとにドロップアウト",
      },
      presetLegend: "章の段階（選ぶと下の設定がその段階のものになります）",
      weightsLegend: "重み W_query、W_key、W_value",
      weightSets: { none: "なし（3.3）", trainable: "3.4：torch.rand、シード123", causal: "3.5：SelfAttention_v2、シード789" },
      weightsNote: {
        none: "学習可能な重みはありません。各トークンの埋め込みが、そのままクエリ・キー・バリューになります。",
        trainable: "3.4節の行列です。torch.manual_seed(123)のあと、それぞれをtorch.rand(3, 2)で作ります。",
        causal: "3.5節の出発点となる重みです。3.5節はSelfAttention_v2を作り、そのnn.Linear層が" +
          "torch.manual_seed(789)のあとで自分の重みを作るので、3.4の重みとは別物です。マスクやドロップアウトだけの" +
          "効果を見るには、3.4の重みのまま、それらだけを切り替えてください。",
      },
      swapped: (from, to) => `この段階を選んだので、重みも「${from}」から「${to}」に替わりました。段階ごとに、その節の重みを使います。`,
      switchLegend: "1つずつ切り替える",
      switches: { scaled: "√d_kで割る", masked: "因果マスク", dropout: "ドロップアウト（学習時）" },
      notes: {
        masked: "後ろのトークンのスコアは−∞になるので、ソフトマックスはそれらに重み0を与え、残りのトークンで1を分け合います。",
        dropout: "ドロップアウトは、章でシードを固定したパターンが示す位置の重みを0にし、保持した重みを1 − pで割ります。" +
          "そのため、行の合計は1ではなくなります。",
      },
      queryLegend: "クエリのトークン",
      multiplier: "スコアの倍率c（章の設定は1）",
      embeddingsCaption: "6つの埋め込み（どの値も編集できます）",
      matrixCaption: (name) => `${name}（どの要素も編集できます）`,
      tokenHeader: "トークン",
      dimHeader: (n) => `${n}次元目`,
      fieldLabel: (token, n) => `${token}、${n}次元目`,
      matrixLabel: (name, row, col) => `${name}、${row}行目、${col}列目`,
      fieldRange: (limit) => `−${limit}から${limit}までの数`,
      reset: "章の数値に戻す",
      inputNote: (limit) => `上の欄のどれかに、−${limit}から${limit}までの数が入っていません。` +
        "その欄については、エクスプローラーは最後の値を使い続けます。",
      regions: { steps: "スコアと重み", heatmap: "重み行列", embeddings: "埋め込み", matrices: "射影の重み行列" },
      projection: (formulas, q, result) => `射影：${formulas.join("、")}。「${q}」では${result}`,
      scores: (formula, norm) => `1. スコア：${formula}。つまり、|<var>q</var>| = ${norm}に、各キーをクエリの向きに測った長さを掛けたもの`,
      masked: (n) => `。ただし、後ろのトークン（j &gt; ${n}）では−∞`,
      weights: (formula) => `2. 重み：${formula}`,
      dropout: (rate, scale) => `。続いてドロップアウト：保持する重みは1/(1 − ${rate}) = ${scale}倍、ドロップする重みは0`,
      afterDropout: "（ドロップアウト後）",
      context: (formula) => `3. コンテキストベクトル：${formula}`,
      columns: ["キーのトークン（j）", "qの向きの長さ", "スコア（ω）", "重み（α）"],
      beforeDropout: ["ドロップアウト前の重み（α）", "ドロップアウト後"],
      stepsCaption: (q) => `クエリ「${q}」と各トークン`,
      kept: (scale) => `（保持、× ${scale}）`,
      dropped: "（ドロップ）",
      rowSum: (sum, d) => `この行の重みの合計は${sum}です。` + (!d ? ""
        : !d.kept ? `ドロップアウトは、このクエリが使える${d.seen}個の重みをすべて0にしました。そのため、コンテキストベクトルは0です。`
        : !d.zeroed ? `ドロップアウトは、このクエリが使える${d.seen}個の重みをすべて保持してそれぞれ${d.scale}倍にしました。そのため、合計はもう1ではありません。`
        : `ドロップアウトは、このクエリが使える${d.seen}個の重みのうち${d.kept}個を保持してそれぞれ${d.scale}倍にし、` +
          `残りの${d.zeroed}個を0にしました。そのため、合計はもう1ではありません。`),
      heatmapCaption: (q) => `この段階のすべてのアテンション重み（行：クエリ、列：キー）。「${q}」の行が、上の表に示した行です`,
      hint: "矢印の先の点をドラッグするか、Tabキーでその点に移ってから矢印キーで動かしてください。その矢印がそこへ動くように、" +
        "トークンの埋め込みが最小限だけ変わり、同じトークンのほかの矢印も一緒に動きます。",
      scoresPanel: (q) => `「${q}」のクエリ（太い矢印）と各キー。キーのスコアは、|q|に、そのキーをクエリの向きに測った長さ` +
        "（原点から、点線がクエリの直線と交わる点まで）を掛けたものです。",
      contextPanel: (q) => `バリューと、「${q}」のコンテキストベクトルz。各バリューに重みを掛けて、矢印を順につなげたものです` +
        "（重みの大きいバリューほど矢印が太くなります）。",
      viewLegend: "下に描く行列",
      spacePanel: (name) => "6つの埋め込み（3次元）。" + (name ? `破線は、${name}が0に写す方向です。` : ""),
      imagePanel: (name) => `同じ6つに${name}を掛けたもの。3つの数が2つになります。`,
      noPlane: "重みがない場合（3.3）、クエリ・キー・バリューは3次元の埋め込みそのものです。平面で見るには、重みを選んでください。",
      kinds: { query: "クエリ", key: "キー", value: "バリュー" },
      handle: (kind, token, at) => `「${token}」の${kind}、${at}`,
      lost: "失われる方向",
      listSeparator: "、",
      moved: (kind, token, x) => `「${token}」の${kind}を動かしました。埋め込みは${x}になりました。`,
      announce: (setting, q, weights, context) =>
        `${setting}、クエリ「${q}」。重みは${weights.join("、")}。コンテキストベクトルは${context}。`,
    },
    ko: {
      presets: {
        dot: "3.3 점곱",
        unscaled: "3.4 투영, 스케일링 없음",
        scaled: "3.4 투영, √d_k로 스케일링",
        causal: "3.5 인과 마스크",
        dropout: "3.5 마스크 후 드롭아웃",
      },
      presetLegend: "3장의 단계(고르면 아래 설정이 그 단계의 것으로 바뀝니다)",
      weightsLegend: "가중치 W_query, W_key, W_value",
      weightSets: { none: "없음(3.3)", trainable: "3.4: torch.rand, 시드 123", causal: "3.5: SelfAttention_v2, 시드 789" },
      weightsNote: {
        none: "훈련 가능한 가중치가 없습니다. 각 토큰의 임베딩이 그대로 쿼리, 키, 값이 됩니다.",
        trainable: "3.4절의 행렬입니다. torch.manual_seed(123) 다음에 각각 torch.rand(3, 2)로 만듭니다.",
        causal: "3.5절이 출발점으로 삼는 가중치입니다. 3.5절은 SelfAttention_v2를 만드는데, 그 nn.Linear 층이 " +
          "torch.manual_seed(789) 다음에 자기 가중치를 새로 뽑으므로 3.4의 가중치와 다릅니다. 마스크나 드롭아웃만의 " +
          "효과를 보려면 3.4의 가중치를 그대로 둔 채 그 스위치만 켜고 끄세요.",
      },
      swapped: (from, to) => ` 이 단계를 고르면서 가중치도 바뀌었습니다(“${from}” → “${to}”). 단계마다 그 절의 가중치를 쓰기 때문입니다.`,
      switchLegend: "하나씩 바꾸기",
      switches: { scaled: "√d_k로 나누기", masked: "인과 마스크", dropout: "드롭아웃(훈련할 때)" },
      notes: {
        masked: "쿼리보다 뒤에 있는 토큰의 점수는 −∞가 되므로 소프트맥스는 그 토큰들에 가중치 0을 주고, 나머지 토큰이 1을 나눠 가집니다.",
        dropout: "드롭아웃은 3장에서 시드를 고정한 패턴이 가리키는 위치의 가중치를 0으로 만들고, 남긴 가중치를 1 − p로 " +
          "나눕니다. 그래서 행의 합이 더는 1이 아닙니다.",
      },
      queryLegend: "쿼리 토큰",
      multiplier: "점수 배율 c(3장의 설정은 1)",
      embeddingsCaption: "임베딩 6개(모든 값을 편집할 수 있습니다)",
      matrixCaption: (name) => `${name}(모든 원소를 편집할 수 있습니다)`,
      tokenHeader: "토큰",
      dimHeader: (n) => `${n}번째 차원`,
      fieldLabel: (token, n) => `${token}, ${n}번째 차원`,
      matrixLabel: (name, row, col) => `${name}, ${row}행 ${col}열`,
      fieldRange: (limit) => `−${limit}에서 ${limit} 사이의 수`,
      reset: "3장의 값으로 되돌리기",
      inputNote: (limit) => `위 칸 가운데 −${limit}에서 ${limit} 사이의 수가 들어 있지 않은 칸이 있습니다. ` +
        "탐색기는 그 칸에 마지막으로 올바르게 입력된 수를 계속 씁니다.",
      regions: { steps: "점수와 가중치", heatmap: "가중치 행렬", embeddings: "임베딩", matrices: "투영 가중치 행렬" },
      projection: (formulas, q, result) => `투영: ${formulas.join(", ")}. “${q}”의 경우 ${result}`,
      scores: (formula, norm) => `1. 점수: ${formula}. 곧 |<var>q</var>| = ${norm}에 각 키의 쿼리 방향 길이를 곱한 값`,
      masked: (n) => `. 단, 쿼리보다 뒤에 있는 토큰(j &gt; ${n})은 −∞`,
      weights: (formula) => `2. 가중치: ${formula}`,
      dropout: (rate, scale) => `. 이어서 드롭아웃: 남긴 가중치는 1/(1 − ${rate}) = ${scale}배, 버린 가중치는 0`,
      afterDropout: " (드롭아웃 후)",
      context: (formula) => `3. 문맥 벡터: ${formula}`,
      columns: ["키 토큰(j)", "q 방향 길이", "점수(ω)", "가중치(α)"],
      beforeDropout: ["드롭아웃 전 가중치(α)", "드롭아웃 후"],
      stepsCaption: (q) => `쿼리 “${q}”에 대한 각 토큰의 점수와 가중치`,
      kept: (scale) => ` (남김, × ${scale})`,
      dropped: " (버림)",
      rowSum: (sum, d) => `이 행의 가중치 합은 ${sum}입니다` + (!d ? "."
        : !d.kept ? `. 드롭아웃은 이 쿼리가 쓸 수 있는 가중치 ${d.seen}개를 모두 0으로 만들었습니다. 그래서 문맥 벡터는 0입니다.`
        : !d.zeroed ? `. 드롭아웃은 이 쿼리가 쓸 수 있는 가중치 ${d.seen}개를 모두 남겨 각각 ${d.scale}배로 키웠습니다. 그래서 합이 더는 1이 아닙니다.`
        : `. 드롭아웃은 이 쿼리가 쓸 수 있는 가중치 ${d.seen}개 가운데 ${d.kept}개를 남겨 각각 ${d.scale}배로 키우고, ` +
          `나머지 ${d.zeroed}개를 0으로 만들었습니다. 그래서 합이 더는 1이 아닙니다.`),
      heatmapCaption: (q) => `이 단계의 모든 어텐션 가중치(행: 쿼리, 열: 키). “${q}” 행이 위 표에 나온 행입니다`,
      hint: "화살표 끝의 점을 끌거나, Tab 키로 그 점에 초점을 옮긴 뒤 화살표 키로 움직이세요. 토큰의 임베딩은 그 화살표를 " +
        "그곳으로 옮기는 데 필요한 만큼만 바뀌고, 같은 토큰의 다른 화살표도 함께 움직입니다.",
      scoresPanel: (q) => `“${q}”의 쿼리(굵은 화살표)와 모든 키. 키의 점수는 |q|에 그 키의 쿼리 방향 길이, 곧 점선이 ` +
        "쿼리의 직선과 만나는 점까지의 길이를 곱한 값입니다.",
      contextPanel: (q) => `값 벡터들과 “${q}”의 문맥 벡터 z. 각 값 벡터에 가중치를 곱해 차례로 이어 붙이면 z에 닿습니다` +
        "(가중치가 클수록 화살표가 굵습니다).",
      viewLegend: "아래에 그릴 행렬",
      spacePanel: (name) => "임베딩 6개(3차원)." + (name ? ` 점선은 ${name}가 0으로 보내는 방향입니다.` : ""),
      imagePanel: (name) => `같은 6개에 ${name}를 곱한 것. 수 3개가 2개가 됩니다.`,
      noPlane: "가중치가 없으면(3.3) 쿼리, 키, 값은 3차원 임베딩 그 자체입니다. 평면에서 보려면 가중치를 고르세요.",
      kinds: { query: "쿼리", key: "키", value: "값 벡터" },
      handle: (kind, token, at) => `“${token}”의 ${kind}, 위치 ${at}`,
      lost: "사라지는 방향",
      moved: (kind, token, x) => `“${token}”의 ${kind}를 옮겼습니다. 임베딩은 이제 ${x}입니다. `,
      announce: (setting, q, weights, context) =>
        `${setting}, 쿼리 “${q}”: 가중치 ${weights.join(", ")}; 문맥 벡터 ${context}.`,
    },
  };
  const T = TEXT[document.documentElement.lang] || TEXT.en;

  // The chapter's stages, each a setting of the choices that the reader can also make one at a time.
  const PRESETS = [
    { id: "dot", weights: "none", scaled: false, masked: false, dropout: false },
    { id: "unscaled", weights: "trainable", scaled: false, masked: false, dropout: false },
    { id: "scaled", weights: "trainable", scaled: true, masked: false, dropout: false },
    { id: "causal", weights: "causal", scaled: true, masked: true, dropout: false },
    { id: "dropout", weights: "causal", scaled: true, masked: true, dropout: true },
  ];
  const WEIGHTS = ["none", "trainable", "causal"];
  const SWITCHES = ["scaled", "masked", "dropout"];
  const PARTS = ["query", "key", "value"];
  const NAMES = { query: "W_query", key: "W_key", value: "W_value" };
  const LIMIT = 100; // keeps every score finite and every number readable
  const STEP = 0.05; // how far an arrow key moves an arrow, in the plane's units
  const root = document.getElementById("explorer");
  const source = document.getElementById("explorer-data");
  if (!root || !source) return;
  const data = JSON.parse(source.textContent);
  const tokens = data.tokens;
  const { rate, keep } = data.dropout;
  const survivorScale = 1 / (1 - rate); // what dropout multiplies each kept weight by
  const copy = (value) => JSON.parse(JSON.stringify(value));
  const state = {
    ...PRESETS[2], // 3.4, scaled: SelfAttention_v1's setting, and 2-D, so the plane shows from the start
    query: 1, // "journey", the chapter's running example
    multiplier: 1,
    view: "query", // the matrix the 3-D view applies
    inputs: copy(data.inputs),
    W: copy(data.weights),
    swapped: null, // the weights a stage button just replaced, until the next change
    moved: "", // what a drag did, for the next announcement
  };

  // ---- the arithmetic: plain loops, one step per line of the chapter ----

  const dot = (a, b) => a.reduce((sum, value, k) => sum + value * b[k], 0);
  const column = (W, c) => W.map((row) => row[c]);
  const project = (rows, W) => rows.map((x) => W[0].map((_, c) => dot(x, column(W, c))));

  function softmax(row) {
    const top = Math.max(...row);
    const exps = row.map((value) => (value === -Infinity ? 0 : Math.exp(value - top)));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((value) => value / total);
  }

  function compute() {
    const W = state.weights === "none" ? null : state.W[state.weights];
    const [queries, keys, values] = PARTS.map((part) => (W ? project(state.inputs, W[part]) : state.inputs));
    const dK = keys[0].length;
    const divisor = state.scaled ? Math.sqrt(dK) : 1;
    const scores = queries.map((q, i) => keys.map((k, j) => (state.masked && j > i ? -Infinity : dot(q, k))));
    const softmaxed = scores.map((row) => softmax(row.map((s) => (s === -Infinity ? s : (state.multiplier * s) / divisor))));
    const weights = state.dropout
      ? softmaxed.map((row, i) => row.map((w, j) => (keep[i][j] ? w * survivorScale : 0)))
      : softmaxed;
    const context = weights.map((row) => values[0].map((_, c) => dot(row, column(values, c))));
    const norm = Math.hypot(...queries[state.query]);
    const along = keys.map((k) => (norm ? dot(queries[state.query], k) / norm : 0)); // k · q / |q|
    return { W, queries, keys, values, dK, scores, softmaxed, weights, context, norm, along };
  }

  // Dragging an arrow of token j by Δ (2-D) changes x_j by the least that gives exactly Δ:
  // Δx = Δ (WᵀW)⁻¹ Wᵀ, a combination of W's two columns. False where W has no such inverse.
  function move(part, j, dx, dy) {
    const W = state.W[state.weights][part];
    const [c0, c1] = [column(W, 0), column(W, 1)];
    const [a, b, d] = [dot(c0, c0), dot(c0, c1), dot(c1, c1)];
    const det = a * d - b * b;
    if (Math.abs(det) < 1e-12) return false;
    const [u0, u1] = [(dx * d - dy * b) / det, (dy * a - dx * b) / det];
    const moved = state.inputs[j].map((x, k) => x + u0 * c0[k] + u1 * c1[k]);
    if (moved.some((x) => Math.abs(x) > LIMIT)) return false;
    state.inputs[j] = moved;
    return true;
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

  const presetButtons = PRESETS.map((preset) => {
    const button = el("button", { type: "button", "data-preset": preset.id, text: T.presets[preset.id] });
    button.addEventListener("click", () => {
      const real = (w) => w !== "none"; // a swap between two sets of weights, not to or from none
      const swap = preset.weights !== state.weights && real(preset.weights) && real(state.weights);
      const swapped = swap ? state.weights : null;
      Object.assign(state, preset);
      state.swapped = swapped;
      update();
    });
    return button;
  });
  const presetGroup = el("fieldset", { class: "explorer-choice explorer-presets" },
    el("legend", { text: T.presetLegend }), ...presetButtons);
  const choose = (changes) => {
    Object.assign(state, changes, { swapped: null });
    update();
  };
  const weightsGroup = radioGroup("weights", T.weightsLegend, WEIGHTS.map((w) => T.weightSets[w]), 0,
    (index) => choose({ weights: WEIGHTS[index] }));
  const weightsNote = el("p", { class: "explorer-note", "data-role": "weights-note" });
  const switches = SWITCHES.map((name) => {
    const input = el("input", { type: "checkbox", id: `explorer-${name}` });
    input.addEventListener("change", () => choose({ [name]: input.checked }));
    return input;
  });
  const switchGroup = el("fieldset", { class: "explorer-choice explorer-switches" }, el("legend", { text: T.switchLegend }),
    ...switches.map((input, k) => el("span", {}, input, el("label", { for: input.id, text: T.switches[SWITCHES[k]] }))));
  const queryGroup = radioGroup("query", T.queryLegend, tokens, state.query, (index) => choose({ query: index }));

  const slider = el("input", {
    type: "range", id: "explorer-multiplier", min: "0", max: "8", step: "0.25", value: "1",
  });
  const sliderValue = el("output", { for: "explorer-multiplier", "data-role": "multiplier" });
  slider.addEventListener("input", () => choose({ multiplier: Number(slider.value) }));
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

  // Number fields: each writes into the state when it holds a usable number, and is flagged when not.
  const fields = [];
  function numberField(label, read, write) {
    const field = el("input", {
      type: "number", step: "0.01", min: String(-LIMIT), max: String(LIMIT), "aria-label": label, title: T.fieldRange(LIMIT),
    });
    field.read = read;
    field.addEventListener("input", () => {
      const parsed = Number.parseFloat(field.value);
      const valid = field.value.trim() !== "" && Number.isFinite(parsed) && Math.abs(parsed) <= LIMIT;
      field.setAttribute("aria-invalid", String(!valid));
      if (valid) write(parsed); // else the last number stays until the field holds one again
      choose({});
    });
    fields.push(field);
    return field;
  }
  const showNumbers = () => fields.forEach((field) => {
    if (field === document.activeElement || field.getAttribute("aria-invalid") === "true") return; // the reader's typing
    const value = field.read();
    const shown = value === undefined ? null : Number(value.toFixed(4));
    if (shown !== null && Number(field.value) !== shown) field.value = String(shown);
  });

  // The embeddings and the chosen weight matrices, editable: one number field per value.
  const editor = el("table", { class: "explorer-embeddings" });
  editor.append(
    el("caption", { text: T.embeddingsCaption }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: T.tokenHeader }),
      ...data.inputs[0].map((_, d) => el("th", { scope: "col", text: T.dimHeader(d + 1) })))),
    el("tbody", {}, ...tokens.map((token, i) => el("tr", {}, el("th", { scope: "row", text: token }),
      ...data.inputs[i].map((_, d) => {
        const field = numberField(T.fieldLabel(token, d + 1), () => state.inputs[i][d], (v) => { state.inputs[i][d] = v; });
        Object.assign(field.dataset, { row: String(i), col: String(d) });
        return el("td", {}, field);
      })))),
  );
  const matrices = el("div", { class: "explorer-matrices" }, ...PARTS.map((part) => {
    const table = el("table", { class: "explorer-matrix", "data-matrix": part },
      el("caption", { text: T.matrixCaption(NAMES[part]) }));
    table.append(el("tbody", {}, ...data.inputs[0].map((_, r) => el("tr", {},
      el("th", { scope: "row", text: T.dimHeader(r + 1) }),
      ...[0, 1].map((c) => {
        const W = () => state.W[state.weights]?.[part];
        const field = numberField(T.matrixLabel(NAMES[part], r + 1, c + 1), () => W()?.[r][c], (v) => { W()[r][c] = v; });
        Object.assign(field.dataset, { matrix: part, row: String(r), col: String(c) });
        return el("td", {}, field);
      })))));
    return table;
  }));
  const reset = el("button", { type: "button", class: "explorer-reset", text: T.reset });
  reset.addEventListener("click", () => {
    fields.forEach((field) => field.setAttribute("aria-invalid", "false"));
    choose({ inputs: copy(data.inputs), W: copy(data.weights) });
  });

  // ---- the pictures: SVG drawn afresh on every update ----

  const SIZE = 240; // each panel's viewBox is SIZE × SIZE
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const tag = (name, attributes, inner = "") =>
    `<${name} ${Object.entries(attributes).map(([k, v]) => `${k}="${escape(v)}"`).join(" ")}>${inner}</${name}>`;
  const r1 = (value) => value.toFixed(1);

  // A map from the plane to the panel: the origin and every point inside, one scale for both axes.
  function fit(points) {
    const xs = [0, ...points.map((p) => p[0])];
    const ys = [0, ...points.map((p) => p[1])];
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const s = (SIZE - 50) / Math.max(x1 - x0, y1 - y0, 1e-6);
    const ox = SIZE / 2 - (s * (x0 + x1)) / 2;
    const oy = SIZE / 2 + (s * (y0 + y1)) / 2;
    return { s, at: ([x, y]) => [ox + s * x, oy - s * y], back: ([px, py]) => [(px - ox) / s, (oy - py) / s] };
  }

  // Token labels beside the points they name, moved apart where two would overlap.
  function labels(items) {
    const placed = [];
    return items.sort((a, b) => a.at[1] - b.at[1]).map(({ at, text, kind }) => {
      let [x, y] = [at[0] + 7, at[1] - 6];
      while (placed.some(([px, py]) => Math.abs(px - x) < 42 && Math.abs(py - y) < 11)) y += 11;
      placed.push([x, y]);
      return tag("text", { x: r1(Math.min(x, SIZE - 48)), y: r1(y), class: kind }, escape(text));
    }).join("");
  }

  const arrow = (m, from, to, kind, extra = {}) => {
    const [a, b] = [m.at(from), m.at(to)];
    return tag("line", { x1: r1(a[0]), y1: r1(a[1]), x2: r1(b[0]), y2: r1(b[1]), class: kind, ...extra });
  };
  const axes = (m) => {
    const [ox, oy] = m.at([0, 0]);
    return tag("path", { d: `M0 ${r1(oy)}H${SIZE}M${r1(ox)} 0V${SIZE}`, class: "axes" });
  };
  const coordinates = ([x, y]) => `(${fixed(x)}, ${fixed(y)})`;
  // A dot at an arrow's tip that the reader can drag, or move with the arrow keys.
  const handle = (m, p, part, j) => {
    const [cx, cy] = m.at(p);
    return tag("circle", {
      cx: r1(cx), cy: r1(cy), r: 6, class: `handle ${part}`, tabindex: 0, role: "button", "data-drag": "",
      "data-kind": part, "data-token": j, "data-x": p[0], "data-y": p[1], "aria-describedby": "explorer-hint",
      "aria-label": T.handle(T.kinds[part], tokens[j], coordinates(p)),
    });
  };

  function drawScores(r, m) {
    const i = state.query;
    const q = r.queries[i];
    const u = r.norm ? q.map((v) => v / r.norm) : [1, 0];
    // The query's line through the origin, cut where it leaves the panel.
    const [ox, oy] = m.at([0, 0]);
    const cuts = [[ox, u[0]], [oy, -u[1]]].filter(([, d]) => d)
      .map(([o, d]) => [-o / d, (SIZE - o) / d].sort((a, b) => a - b));
    const [lo, hi] = [Math.max(...cuts.map((c) => c[0])), Math.min(...cuts.map((c) => c[1]))];
    const [x1, y1, x2, y2] = [ox + lo * u[0], oy - lo * u[1], ox + hi * u[0], oy - hi * u[1]].map(r1);
    let body = axes(m) + tag("line", { x1, y1, x2, y2, class: "line" });
    const names = [];
    r.keys.forEach((k, j) => {
      const hidden = state.masked && j > i ? " masked" : "";
      const foot = u.map((v) => v * r.along[j]);
      body += arrow(m, k, foot, `drop${hidden}`) + arrow(m, [0, 0], k, `key${hidden}`);
      const [fx, fy] = m.at(foot);
      body += tag("circle", {
        cx: r1(fx), cy: r1(fy), r: 2.5, class: `foot${hidden}`, "data-kind": "along", "data-token": j, "data-value": r.along[j],
      });
      body += handle(m, k, "key", j);
      names.push({ at: m.at(k), text: tokens[j], kind: `label${hidden}` });
    });
    body += arrow(m, [0, 0], q, "query") + handle(m, q, "query", i);
    names.push({ at: m.at(q), text: "q", kind: "label query-label" });
    return body + labels(names);
  }

  function drawContext(r, m) {
    const i = state.query;
    const top = Math.max(...r.weights[i], 1e-9);
    let body = axes(m);
    let end = [0, 0];
    const names = [];
    r.values.forEach((v, j) => {
      const weight = r.weights[i][j];
      body += arrow(m, [0, 0], v, "value", { "stroke-width": r1(1 + (3 * weight) / top), "data-weight": weight });
      body += handle(m, v, "value", j);
      names.push({ at: m.at(v), text: tokens[j], kind: "label" });
    });
    r.values.forEach((v, j) => {
      const share = v.map((x) => x * r.weights[i][j]);
      const next = end.map((x, c) => x + share[c]);
      const marks = { "data-kind": "share", "data-token": j, "data-x": share[0], "data-y": share[1] };
      if (r.weights[i][j]) body += arrow(m, end, next, "chain", marks);
      end = next;
    });
    const z = r.context[i];
    body += arrow(m, [0, 0], z, "context", { "data-kind": "context", "data-x": z[0], "data-y": z[1] });
    names.push({ at: m.at(z), text: "z", kind: "label context-label" });
    return body + labels(names);
  }

  // The 3-D view: an oblique drawing of the embeddings, axis 3 upright, and the direction n that
  // the chosen matrix sends to 0 (n = its first column × its second, at right angles to both).
  const oblique = ([a, b, c]) => [0.87 * (a - b), c - 0.5 * (a + b)];
  function lost(W) {
    const [a, b] = [column(W, 0), column(W, 1)];
    const n = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    const length = Math.hypot(...n) || 1;
    const reach = Math.max(...state.inputs.map((x) => Math.hypot(...x)), 1);
    return { unit: n.map((v) => v / length), ends: [-reach, reach].map((t) => oblique(n.map((v) => (t * v) / length))) };
  }
  function drawSpace(m, W) {
    let body = [[1, 0, 0], [0, 1, 0], [0, 0, 1]].map((e, d) => {
      const [x, y] = m.at(oblique(e));
      return arrow(m, [0, 0], oblique(e), "axes") + tag("text", { x: r1(x - 4), y: r1(y + (d === 2 ? -4 : 12)) }, d + 1);
    }).join("");
    const names = [];
    if (W) {
      const { unit, ends } = lost(W);
      const marks = { "data-kind": "lost", "data-x": unit[0], "data-y": unit[1], "data-z": unit[2] };
      body += arrow(m, ends[0], ends[1], "lost", marks);
      names.push({ at: m.at(ends[1]), text: T.lost, kind: "label lost-label" });
    }
    state.inputs.forEach((x, j) => {
      const p = oblique(x);
      const [cx, cy] = m.at(p);
      body += arrow(m, oblique([x[0], x[1], 0]), p, "drop") + arrow(m, [0, 0], p, "point");
      body += tag("circle", { cx: r1(cx), cy: r1(cy), r: 3, class: "point", "data-kind": "input", "data-token": j,
        "data-x": x[0], "data-y": x[1], "data-z": x[2] });
      names.push({ at: [cx, cy], text: tokens[j], kind: "label" });
    });
    return body + labels(names);
  }

  function drawImages(images, m) {
    const names = [];
    return axes(m) + images.map((p, j) => {
      const [cx, cy] = m.at(p);
      names.push({ at: [cx, cy], text: tokens[j], kind: "label" });
      const marks = { "data-kind": "image", "data-token": j, "data-x": p[0], "data-y": p[1] };
      return arrow(m, [0, 0], p, "point") + tag("circle", { cx: r1(cx), cy: r1(cy), r: 3, class: "point", ...marks });
    }).join("") + labels(names);
  }

  const panels = {};
  let drag = null; // the arrow being dragged: its panel, part, token, the last pointer position and the frozen map
  const pointer = (svg, event) => {
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    return drag.fit.back([point.x, point.y]);
  };
  function panel(name, described) {
    const caption = el("p", { id: `explorer-${name}-caption`, class: "explorer-caption" });
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    Object.entries({ viewBox: `0 0 ${SIZE} ${SIZE}`, role: "group", "aria-labelledby": caption.id, "data-panel": name })
      .forEach(([k, v]) => svg.setAttribute(k, v));
    const moveBy = (target, dx, dy) => {
      const [part, j] = [target.dataset.kind, Number(target.dataset.token)];
      if (move(part, j, dx, dy)) {
        state.moved = T.moved(T.kinds[part], tokens[j], vector(state.inputs[j]));
        update();
      }
    };
    if (described) {
      svg.addEventListener("pointerdown", (event) => {
        const target = event.target.closest("[data-drag]");
        if (!target) return;
        event.preventDefault();
        svg.setPointerCapture(event.pointerId);
        drag = { svg, target: { dataset: { ...target.dataset } }, fit: panels[name].fit };
        drag.last = pointer(svg, event);
      });
      svg.addEventListener("pointermove", (event) => {
        if (drag?.svg !== svg) return;
        const now = pointer(svg, event);
        moveBy(drag.target, now[0] - drag.last[0], now[1] - drag.last[1]);
        drag.last = now;
      });
      const end = () => {
        if (drag?.svg !== svg) return;
        drag = null;
        update(); // the panels fit their arrows again
      };
      svg.addEventListener("pointerup", end);
      svg.addEventListener("pointercancel", end);
      svg.addEventListener("keydown", (event) => {
        const direction = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[event.key];
        if (!direction || !event.target.matches("[data-drag]")) return;
        event.preventDefault();
        moveBy(event.target, STEP * direction[0], STEP * direction[1]);
      });
    }
    panels[name] = { svg, caption };
    return el("div", { class: "explorer-panel" }, svg, caption);
  }

  // Draw a panel with `draw(map)`, keeping the map while an arrow is dragged, and the focus on its handle.
  function paint(name, points, draw) {
    const p = panels[name];
    if (!(drag && drag.svg === p.svg)) p.fit = fit(points);
    const focused = document.activeElement;
    const { kind, token } = p.svg.contains(focused) ? focused.dataset : {};
    const key = kind && `[data-kind=${kind}][data-token="${token}"]`;
    p.svg.innerHTML = draw(p.fit);
    p.svg.dataset.scale = p.fit.s; // SVG units per unit of the plane
    if (key) p.svg.querySelector(key)?.focus();
  }

  const hint = el("p", { id: "explorer-hint", class: "explorer-note", text: T.hint });
  const noPlane = el("p", { class: "explorer-note", "data-role": "no-plane", text: T.noPlane });
  const viewGroup = radioGroup("view", T.viewLegend, PARTS.map((part) => NAMES[part]), 0,
    (index) => choose({ view: PARTS[index] }));
  const plane = el("div", { class: "explorer-panels" }, panel("scores", true), panel("context", true));
  const space = el("div", { class: "explorer-panels" }, panel("space"), panel("images"));

  const announcer = el("p", {
    class: "explorer-announcer", "aria-live": "polite", "aria-atomic": "true", "data-role": "announcer",
  });
  const inputNote = el("p", {
    id: "explorer-input-note", class: "explorer-note", hidden: "",
    text: T.inputNote(LIMIT),
  });
  const scroll = (label, content) =>
    el("div", { class: "explorer-scroll", tabindex: "0", role: "region", "aria-label": label }, content);

  root.append(
    el("div", { class: "explorer-layout" },
      el("div", { class: "explorer-controls" },
        presetGroup, queryGroup, weightsGroup, weightsNote, switchGroup, scale, stageNote),
      el("div", { class: "explorer-picture" }, hint, noPlane, plane, viewGroup, space),
      el("div", { class: "explorer-numbers" },
        el("div", { class: "explorer-formulas" }, projection, scoreFormula, weightFormula),
        scroll(T.regions.steps, stepTable), rowSum, contextFormula),
      el("div", { class: "explorer-editors" },
        scroll(T.regions.matrices, matrices), scroll(T.regions.embeddings, editor), inputNote, reset),
      el("div", { class: "explorer-heat" }, scroll(T.regions.heatmap, heatmap))),
    announcer,
  );

  // ---- showing a state ----

  let announceTimer = null;

  function update() {
    const result = compute();
    const i = state.query;
    const q = tokens[i];
    const W = result.W;
    const multiplier = state.multiplier === 1 ? "" : `${state.multiplier} · `;
    const scaled = state.scaled ? ` / √${result.dK}` : "";
    const x = (k) => `<var>x</var>${sup(`(${k})`)}`;
    const [query, key, value] = W ? ["q", "k", "v"] : ["x", "x", "x"];
    const vec = (letter, k) => `<var>${letter}</var>${sup(`(${k})`)}`;
    const preset = PRESETS.find((p) => ["weights", ...SWITCHES].every((name) => p[name] === state[name]));
    const setting = preset ? T.presets[preset.id]
      : [T.weightSets[state.weights], ...SWITCHES.filter((name) => state[name]).map((name) => T.switches[name])]
        .join(T.listSeparator || ", ");

    presetButtons.forEach((button, k) => button.setAttribute("aria-pressed", String(PRESETS[k] === preset)));
    document.getElementById(`explorer-weights-${WEIGHTS.indexOf(state.weights)}`).checked = true;
    document.getElementById(`explorer-query-${i}`).checked = true;
    switches.forEach((input, k) => { input.checked = state[SWITCHES[k]]; });
    weightsNote.textContent = T.weightsNote[state.weights] +
      (state.swapped ? T.swapped(T.weightSets[state.swapped], T.weightSets[state.weights]) : "");
    stageNote.textContent = SWITCHES.slice(1).filter((name) => state[name]).map((name) => T.notes[name]).join(" ");
    sliderValue.textContent = `c = ${state.multiplier.toFixed(2)}`;
    projection.hidden = !W;
    if (W) {
      projection.innerHTML = T.projection([
        `${vec("q", "i")} = ${x("i")} <var>W</var>${sub("query")}`,
        `${vec("k", "j")} = ${x("j")} <var>W</var>${sub("key")}`,
        `${vec("v", "j")} = ${x("j")} <var>W</var>${sub("value")}`,
      ], q, `${vec("q", i + 1)} = <span data-role="query-vector">${vector(result.queries[i])}</span>`);
    }
    scoreFormula.innerHTML =
      T.scores(`<var>ω</var>${sub(`${i + 1}j`)} = ${vec(query, i + 1)} · ${vec(key, "j")}`,
        `<span data-role="query-norm">${fixed(result.norm)}</span>`) + (state.masked ? T.masked(i + 1) : "");
    weightFormula.innerHTML =
      T.weights(`<var>α</var>${sub(`${i + 1}j`)} = softmax${sub("j")}(${multiplier}<var>ω</var>${sub(`${i + 1}j`)}${scaled})`) +
      (state.dropout ? T.dropout(rate, short(survivorScale)) : "");
    const used = state.dropout ? T.afterDropout : "";
    contextFormula.innerHTML = T.context(
      `${vec("z", i + 1)} = Σ${sub("j")} <var>α</var>${sub(`${i + 1}j`)}${used} ${vec(value, "j")} = ` +
      `<span data-role="context">${vector(result.context[i])}</span>`);

    // The per-token table: length along the query, score, weight as a bar and a number, and what dropout did.
    const columns = state.dropout ? [...T.columns.slice(0, 3), ...T.beforeDropout] : T.columns;
    stepHead.replaceChildren(el("tr", {}, ...columns.map((c) => el("th", { scope: "col", text: c }))));
    stepTable.querySelector("caption").textContent = T.stepsCaption(q);
    const visible = (j) => !state.masked || j <= i;
    stepBody.replaceChildren(...tokens.map((token, j) => {
      const weight = result.weights[i][j];
      const bar = el("span", { class: "explorer-bar", "aria-hidden": "true" });
      bar.style.setProperty("--share", String(Math.max(weight, 0) / Math.max(1, ...result.weights[i])));
      const cells = [
        el("th", { scope: "row", text: token }),
        el("td", { "data-role": "along", text: fixed(result.along[j]) }),
        el("td", { "data-role": "score", text: fixed(result.scores[i][j]) }),
      ];
      let change = "";
      if (state.dropout) {
        cells.push(el("td", { "data-role": "before-dropout", text: fixed(result.softmaxed[i][j]) }));
        if (visible(j)) change = keep[i][j] ? T.kept(short(survivorScale)) : T.dropped;
      }
      cells.push(el("td", { class: "explorer-weight" }, bar,
        el("span", { "data-role": "weight", text: fixed(weight) }), change));
      const row = el("tr", {}, ...cells);
      if (state.dropout && visible(j)) row.className = keep[i][j] ? "kept" : "dropped";
      if (!visible(j)) row.className = "masked";
      return row;
    }));
    const sum = result.weights[i].reduce((a, b) => a + b, 0);
    let dropoutSummary = null;
    if (state.dropout) {
      const seen = keep[i].filter((_, j) => visible(j));
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
      cell.classList.toggle("dropped", state.dropout && (!state.masked || c <= r) && !keep[r][c]);
    }));
    heatBody.querySelectorAll("th").forEach((header, r) => {
      if (r === i) header.setAttribute("aria-current", "true");
      else header.removeAttribute("aria-current");
    });

    // The pictures.
    noPlane.hidden = Boolean(W);
    plane.hidden = hint.hidden = !W;
    matrices.parentElement.hidden = !W;
    if (W) {
      const feet = result.along.map((a) => result.queries[i].map((v) => (result.norm ? (a * v) / result.norm : 0)));
      paint("scores", [result.queries[i], ...result.keys, ...feet], (m) => drawScores(result, m));
      const ends = result.weights[i].map((_, j) => result.weights[i].slice(0, j + 1)
        .reduce((acc, w, k) => acc.map((a, c) => a + w * result.values[k][c]), [0, 0]));
      paint("context", [...result.values, ...ends], (m) => drawContext(result, m));
      panels.scores.caption.textContent = T.scoresPanel(q);
      panels.context.caption.textContent = T.contextPanel(q);
    }
    const view = W ? W[state.view] : null;
    const name = NAMES[state.view];
    const frame = [[0.87, -0.5], [-0.87, -0.5], [0, 1], ...(view ? lost(view).ends : [])]; // the axes' ends and the lost line's
    paint("space", [...state.inputs.map(oblique), ...frame], (m) => drawSpace(m, view));
    panels.space.caption.textContent = T.spacePanel(W && name);
    viewGroup.hidden = panels.images.svg.parentElement.hidden = !W;
    if (W) {
      const images = project(state.inputs, view);
      paint("images", images, (m) => drawImages(images, m));
      panels.images.caption.textContent = T.imagePanel(name);
    }
    showNumbers();
    const invalid = fields.filter((field) => field.getAttribute("aria-invalid") === "true");
    inputNote.hidden = !invalid.length;
    fields.forEach((field) => {
      if (invalid.includes(field)) field.setAttribute("aria-describedby", inputNote.id);
      else field.removeAttribute("aria-describedby");
    });

    clearTimeout(announceTimer);
    if (!root.dataset.ready) return; // nothing to announce for the first view
    announceTimer = setTimeout(() => {
      announcer.textContent = state.moved + T.announce(setting, q,
        result.weights[i].map((w, j) => `${tokens[j]} ${fixed(w)}`), vector(result.context[i]));
      state.moved = "";
    }, 400);
  }

  update();
  root.hidden = false;
  root.dataset.ready = "true";
  document.getElementById("explorer-fallback")?.setAttribute("hidden", "");
})();
