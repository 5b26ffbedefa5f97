"""The explorer's 3.6 stage, driven in Chromium: each tensor it draws has the shape and the numbers of
MultiHeadAttention's own forward pass.

The expected values are not a reimplementation: the test runs the chapter's two MultiHeadAttention
modules (the run of snippets/chapter/multihead_attention.py) on the chapter's batch, and on edited
embeddings, and records what their forward pass computes with hooks on the module's own layers. The page
draws the first text of the batch (the batch holds copies of one sentence); it shows two decimals in its
blocks and four in its read-outs, computed in float64 against PyTorch's float32.
"""


import pytest
import torch
from site_tools import loaded, sent_bytes

from engine import explorer, runner
from snippets.sentence import tokens as TOKENS

PARTS = ("query", "key", "value")  # the page's "projection to follow", in its order
SHOWN = 1e-4  # four decimals, float64 against float32
CELL = 0.005 + 1e-6  # two decimals
BUDGET_KB = 8  # explorer-heads.js and explorer-heads.css, gzipped as a static host sends them

READ = """() => {
  const root = document.getElementById("heads-explorer");
  const texts = (role) => [...root.querySelectorAll(`[data-role=${role}]`)].map((e) => e.textContent);
  return {
    blocks: Object.fromEntries([...root.querySelectorAll("[data-tensor]")].map((block) => [block.dataset.tensor, {
      label: block.dataset.shape.split(",").map(Number),
      code: block.querySelector(".heads-code").textContent,
      sheets: block.querySelectorAll("[data-sheet]").length,
      groups: [...block.querySelectorAll("thead th[scope=colgroup]")].map((th) => [th.textContent, th.colSpan]),
      current: [...block.querySelectorAll("tbody tr.current th")].map((th) => th.textContent),
      tables: [...block.querySelectorAll(".heads-front table")].map((table) => [...table.querySelectorAll("tbody tr")]
        .map((row) => [...row.querySelectorAll("td")].map((cell) => [cell.dataset.value, cell.textContent,
          cell.dataset.head ?? null]))),
    }])),
    headWeights: texts("head-weights"),
    headContext: texts("head-context"),
    joined: texts("joined")[0],
    output: texts("output")[0],
  };
}"""


def number(text):
    return float(text.strip().replace("−", "-"))


def vector(text):
    return [number(part) for part in text.strip("[]").split(",")]


@pytest.fixture(scope="module")
def run():
    """The 3.6 walk-through, run here for its batch and its two MultiHeadAttention modules."""
    return runner.run("chapter.multihead_attention").namespace


@pytest.fixture(scope="module")
def modules(run):
    return [run[name] for _, name in explorer.HEAD_CASES]


@torch.no_grad()
def forward_pass(module, x):
    """Every tensor of ``module``'s forward pass on the batch ``x``, recorded from the module's own layers:
    the projections as W_query, W_key and W_value return them, the weights as the module hands them to its
    dropout, the joined heads as out_proj receives them, and the output. The heads' context vectors are
    the joined heads read back through the class's ``contiguous().view`` and ``transpose(1, 2)``."""
    seen = {}
    layers = ("W_query", "W_key", "W_value", "dropout", "out_proj")
    hooks = [getattr(module, layer).register_forward_hook(
        lambda _module, inputs, output, layer=layer: seen.update({layer: (inputs[0], output)})) for layer in layers]
    try:
        output = module(x)
    finally:
        for hook in hooks:
            hook.remove()
    b, n, _ = x.shape
    heads = (module.num_heads, module.head_dim)
    projected = {part: seen[f"W_{part}"][1] for part in PARTS}
    joined = seen["out_proj"][0]
    return {
        "projected": projected,
        "view": {part: tensor.view(b, n, *heads) for part, tensor in projected.items()},
        "split": {part: module.split_heads(tensor) for part, tensor in projected.items()},
        "weights": seen["dropout"][1],
        "context": joined.view(b, n, *heads).transpose(1, 2),
        "regrouped": joined.view(b, n, *heads),
        "joined": joined,
        "output": output,
    }


def drawn_shape(block):
    """The shape a block draws: its sheets (the batch), then a table per head, or one table whose rows
    are cut into head groups, or one plain table; then rows and cells."""
    tables, sheets = block["tables"], block["sheets"]
    rows = tables[0]
    if len(tables) > 1:
        return [sheets, len(tables), len(rows), len(rows[0])]
    if block["groups"]:
        widths = {width for _, width in block["groups"]}
        assert len(widths) == 1 and sum(w for _, w in block["groups"]) == len(rows[0]), block["groups"]
        return [sheets, len(rows), len(block["groups"]), widths.pop()]
    return [sheets, len(rows), len(rows[0])]


def assert_close(shown, computed, tolerance, what):
    computed = [float(value) for value in computed]
    assert len(shown) == len(computed), f"{what}: shows {len(shown)} numbers, PyTorch gives {len(computed)}"
    for k, (a, b) in enumerate(zip(shown, computed, strict=True)):
        assert abs(a - b) <= tolerance, (
            f"{what}[{k}]: the page shows {a}, PyTorch computes {b:.6f}\n  page:    {shown}\n  PyTorch: {computed}")


def assert_block(block, truth, heads_of, where):
    """A block shows ``truth`` (batch first) at its shape, front sheet first text, each cell in its head's colour."""
    assert drawn_shape(block) == block["label"] == list(truth.shape), (
        f"{where}: drawn {drawn_shape(block)}, labelled {block['label']}, the tensor is {list(truth.shape)}")
    assert f"({', '.join(map(str, truth.shape))})" in block["code"], f"{where}: {block['code']!r}"
    assert truth[1:].eq(truth[0]).all(), f"{where}: the texts behind the front sheet are not the same"
    front = truth[0]
    tables = [front] if len(block["tables"]) == 1 else list(front)
    for t, (table, matrix) in enumerate(zip(block["tables"], tables, strict=True)):
        for i, (cells, row) in enumerate(zip(table, matrix.reshape(len(table), -1), strict=True)):
            at = f"{where}, table {t}, row {i}"
            assert_close([float(value) for value, _, _ in cells], row, 1e-5, f"{at}: values")
            assert_close([number(text) for _, text, _ in cells], row, CELL, f"{at}: text")
            heads = [None if head is None else int(head) for _, _, head in cells]
            assert heads == [heads_of(t, j) for j in range(len(cells))], f"{at}: heads {heads}"


def assert_matches_pytorch(page, module, x, part, query):
    """Every block the page shows, and its read-outs for ``query``, are ``module``'s forward pass on ``x``."""
    shown = page.evaluate(READ)
    truth = forward_pass(module, x)
    dh = module.head_dim
    by_column, by_table = (lambda _t, j: j // dh), (lambda t, _j: t)
    expected = {
        "projected": (truth["projected"][part], by_column),
        "view": (truth["view"][part], by_column),
        "split": (truth["split"][part], by_table),
        "weights": (truth["weights"], by_table),
        "context": (truth["context"], by_table),
        "regrouped": (truth["regrouped"], by_column),
        "joined": (truth["joined"], by_column),
        "output": (truth["output"], lambda _t, _j: None),
    }
    assert list(shown["blocks"]) == list(expected), list(shown["blocks"])
    where = f"d_out {module.d_out}, {part} projection, query {TOKENS[query]!r}"
    for name, (tensor, heads_of) in expected.items():
        block = shown["blocks"][name]
        assert_block(block, tensor, heads_of, f"{where}: {name}")
        assert set(block["current"]) == {TOKENS[query]}, f"{where}: {name} marks rows {block['current']}"
    for k in range(module.num_heads):
        for role, name in (("headWeights", "weights"), ("headContext", "context")):
            assert_close(vector(shown[role][k]), truth[name][0, k, query], SHOWN, f"{where}: head {k} {name}")
    assert_close(vector(shown["joined"]), truth["joined"][0, query], SHOWN, f"{where}: joined")
    assert_close(vector(shown["output"]), truth["output"][0, query], SHOWN, f"{where}: out_proj")
    return shown


def stage_at(tab, url):
    """The 3.6 stage at ``url``, freshly loaded; the test fails if a script raised meanwhile."""
    return loaded(tab, url, "#heads-explorer[data-ready]", "the page")


@pytest.fixture
def page(tab, server):
    with stage_at(tab, server + "explorer-heads/") as page:
        yield page


def choose(page, group, index):
    """Select an option the way a keyboard user does: move the focus to it and press Space."""
    page.focus(f"#heads-{group}-{index}")
    page.keyboard.press("Space")
    assert page.is_checked(f"#heads-{group}-{index}")


def each_query(page, queries):
    """Select each query token in turn with the arrow keys, from the first."""
    choose(page, "query", 0)
    for query in range(max(queries) + 1):
        if query:
            page.keyboard.press("ArrowRight")
        if query in queries:
            yield query


def edit(page, token, dim, value):
    page.locator(f"#heads-explorer input[data-token='{token}'][data-dim='{dim}']").fill(str(value))


def test_both_cases_every_projection_and_every_query_show_what_multiheadattention_computes(page, run, modules):
    for case, module in enumerate(modules):
        choose(page, "case", case)
        for p, part in enumerate(PARTS):
            choose(page, "part", p)
            for query in each_query(page, range(len(TOKENS))):
                assert_matches_pytorch(page, module, run["batch"], part, query)


def test_the_wider_case_gives_each_head_more_than_one_dimension(modules):
    chapter, wider = modules
    assert (chapter.d_out, chapter.num_heads, chapter.head_dim) == (2, 2, 1)
    assert wider.num_heads >= 2 and wider.head_dim >= 2, (wider.num_heads, wider.head_dim)


@pytest.mark.parametrize(
    "edits",
    [
        {(2, d): v for d, v in enumerate([0.55, 0.87, 0.66])},  # "starts" made equal to "journey"
        {(0, 2): -0.75, (5, 1): 2.25, (3, 0): 0.0, (1, 1): 6.5},  # negatives, zeros and larger scores
    ],
    ids=["two-tokens-equal", "several-values"],
)
def test_edited_embeddings_show_what_multiheadattention_computes(page, run, modules, edits):
    x = run["batch"].clone()
    for (token, dim), value in edits.items():
        edit(page, token, dim, value)
        x[:, token, dim] = value  # every text of the batch is the same sentence, edited alike
    for case, module in enumerate(modules):
        choose(page, "case", case)
        for query in each_query(page, (0, 2, 5)):
            assert_matches_pytorch(page, module, x, "query", query)


def test_reset_restores_the_chapters_embeddings_and_an_unusable_entry_keeps_the_last_number(page, run, modules):
    field = page.locator("#heads-explorer input[data-token='1'][data-dim='0']")
    field.fill("1e9")  # beyond the ±100 the stage accepts
    assert field.get_attribute("aria-invalid") == "true"
    choose(page, "query", 1)
    assert_matches_pytorch(page, modules[0], run["batch"], "query", 1)
    edit(page, 4, 2, -3)
    page.get_by_role("button", name="Back to the chapter's embeddings, in this stage").click()
    assert field.get_attribute("aria-invalid") == "false"
    assert_matches_pytorch(page, modules[0], run["batch"], "query", 1)


def test_the_keyboard_alone_changes_case_query_and_projection_and_the_change_is_announced(page, run, modules):
    page.focus("#heads-case-0")
    page.keyboard.press("ArrowRight")  # a radio group moves with the arrow keys
    assert page.is_checked("#heads-case-1")
    page.focus("#heads-query-1")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#heads-query-2")
    page.focus("#heads-part-0")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#heads-part-1")
    shown = assert_matches_pytorch(page, modules[1], run["batch"], "key", 2)
    parts = ["Wider heads, query starts", *(f"head {k} context vector {v}" for k, v in enumerate(shown["headContext"])),
             f"output {shown['output']}"]
    page.wait_for_function(  # the announcement of the final state, not of a step on the way
        "parts => parts.every((part) => document.querySelector('#heads-explorer [data-role=announcer]')"
        ".textContent.includes(part))", arg=parts)
    announcer = page.locator("#heads-explorer [data-role=announcer]")
    assert announcer.get_attribute("aria-live") == "polite" and announcer.get_attribute("aria-atomic") == "true"


EDITION_WORDS = {"ja": ("ヘッド0", "コンテキストベクトル"), "ko": ("헤드 0", "문맥 벡터")}


@pytest.mark.parametrize("lang", EDITION_WORDS)
def test_each_edition_shows_the_same_numbers_in_its_words(tab, server, run, modules, lang):
    with stage_at(tab, server + f"{lang}/explorer-heads/") as page:
        choose(page, "part", PARTS.index("value"))
        for case, module in enumerate(modules):
            choose(page, "case", case)
            for query in each_query(page, (1, 4)):
                assert_matches_pytorch(page, module, run["batch"], "value", query)
        text = page.inner_text("#heads-explorer")
        assert all(word in text for word in EDITION_WORDS[lang]), text[:300]
        assert "context vector" not in text and "head 0" not in text, text[:300]


def test_at_1280_by_900_the_controls_stay_in_view_beside_the_last_block(page):
    page.locator("[data-tensor=output]").scroll_into_view_if_needed()
    controls = page.locator(".heads-controls").bounding_box()
    output = page.locator("[data-tensor=output]").bounding_box()
    assert 0 <= controls["y"] and controls["y"] + controls["height"] <= 900, controls
    assert controls["y"] + controls["height"] <= output["y"] < 900, (controls, output)


WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const root = document.getElementById("heads-explorer");
  const cut = [...root.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > width + 1
    && !e.closest(".heads-scroll"));
  const scrolling = [...root.querySelectorAll(".heads-scroll")].filter((e) => e.scrollWidth > e.clientWidth + 1);
  return {
    cut: cut.map((e) => e.tagName + "." + e.className),
    scrolling: scrolling.map((e) => [e.tabIndex, e.getAttribute("role"), e.getAttribute("aria-label")]),
    pageWidth: document.documentElement.scrollWidth,
  };
}"""


def test_at_390_pixels_nothing_is_cut_off_and_what_scrolls_is_focusable_and_labelled(browser, server):
    tab = browser.new_page(viewport={"width": 390, "height": 800})
    with stage_at(tab, server + "explorer-heads/") as page:
        for case in (0, 1):
            choose(page, "case", case)
            found = page.evaluate(WIDE)
            assert found["pageWidth"] <= 390 and not found["cut"], found
            assert found["scrolling"], "nothing scrolls at 390 pixels: the check would pass whatever the layout"
            assert all(index == 0 and role == "region" and label for index, role, label in found["scrolling"]), found
    tab.close()


def test_without_javascript_one_heatmap_per_head_of_each_case_shows_the_weights_the_module_uses(browser, server, run,
                                                                                                  modules):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "explorer-heads/", wait_until="load")
    assert page.locator("#heads-explorer").is_hidden() and page.locator("#heads-fallback").is_visible()
    figures = page.locator("#heads-fallback figure svg[role=img]")
    drawn = [[float(v) for v in figures.nth(f).evaluate(
        "svg => [...svg.querySelectorAll('rect[data-value]')].map((r) => r.dataset.value)")]
        for f in range(figures.count())]
    truth = [forward_pass(module, run["batch"])["weights"][0, k] for module in modules for k in range(module.num_heads)]
    assert len(drawn) == len(truth), f"{len(drawn)} figures for {len(truth)} heads"
    for f, (cells, weights) in enumerate(zip(drawn, truth, strict=True)):
        assert_close(cells, weights.flatten(), 5e-5 + 1e-7, f"figure {f}")
    context.close()


def test_with_javascript_the_static_figures_are_hidden(page):
    assert page.locator("#heads-fallback").is_hidden() and page.locator("#heads-explorer").is_visible()


def test_the_recorded_weights_are_the_ones_the_module_uses(run, modules):
    """head_weights (the static figures) and the test's hooks record the weights that make the output."""
    for module in modules:
        truth = forward_pass(module, run["batch"])
        weights = explorer.head_weights(module, run["batch"])
        torch.testing.assert_close(weights, truth["weights"], rtol=0, atol=0)
        with torch.no_grad():
            context = weights @ module.split_heads(module.W_value(run["batch"]))
            torch.testing.assert_close(context, truth["context"])
            torch.testing.assert_close(module.out_proj(context.transpose(1, 2).flatten(2)), truth["output"])


def test_the_stages_data_is_the_runs_modules(run, modules):
    data = explorer.heads_state(run)
    assert data["tokens"] == TOKENS and data["shape"] == list(run["batch"].shape)
    assert torch.tensor(data["inputs"]).equal(run["batch"][0])
    for case, (section, _), module in zip(data["cases"], explorer.HEAD_CASES, modules, strict=True):
        assert case["section"] == section
        assert (case["d_out"], case["num_heads"], case["head_dim"]) == (module.d_out, module.num_heads, module.head_dim)
        for part in PARTS:
            assert torch.tensor(case[part]).equal(getattr(module, f"W_{part}").weight.data.T)
        assert torch.tensor(case["out"]).equal(module.out_proj.weight.data.T)
        assert torch.tensor(case["out_bias"]).equal(module.out_proj.bias.data)


def test_the_stage_refuses_a_batch_of_different_texts(run):
    batch = run["batch"].clone()
    batch[1, 0, 0] += 1
    with pytest.raises(ValueError, match="every text of the batch must be the same"):
        explorer.heads_state({**run, "batch": batch})


def test_the_stages_script_and_styles_send_under_the_budget_and_only_its_own_pages_load_them(built_site):
    sent = sum(sent_bytes(built_site / "assets" / name) for name in ("explorer-heads.js", "explorer-heads.css"))
    assert sent <= BUDGET_KB * 1024, f"explorer-heads.js and .css send {sent / 1024:.1f} KB gzipped"
    loading = sorted(str(page.parent.relative_to(built_site)) for page in built_site.rglob("index.html")
                     if "explorer-heads." in page.read_text(encoding="utf-8"))
    assert loading == ["explorer-heads", "ja/explorer-heads", "ko/explorer-heads"], loading
