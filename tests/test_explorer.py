"""The attention explorer, driven in Chromium: what it shows equals what PyTorch computes.

For every setting (weights, scaling, mask, dropout) and every query token, with the chapter's numbers
and with edited ones, the test reads the numbers and the arrows off the page and compares them with
the same computation done here in PyTorch, on the weights of the chapter's own runs. The browser
works in float64 and PyTorch in float32; the page shows four decimals, so shown numbers must agree
within 1e-4, and the exact coordinates its pictures keep in data attributes within 1e-5.
"""

import itertools
import math

import pytest
import torch
from site_tools import loaded, sent_bytes

from engine import explorer, runner
from snippets import machine
from snippets.attention import causal_mask
from snippets.sentence import inputs, tokens

PARTS = ("query", "key", "value")
WEIGHTS = ("none", "trainable", "causal")  # the explorer's order
SWITCHES = ("scaled", "masked", "dropout")
# The chapter's stages, as settings (weights, scaled, masked, dropout), in the explorer's order.
PRESETS = {
    "dot": ("none", False, False, False),
    "unscaled": ("trainable", False, False, False),
    "scaled": ("trainable", True, False, False),
    "causal": ("causal", True, True, False),
    "dropout": ("causal", True, True, True),
}
START = PRESETS["scaled"]  # where the explorer opens
EVERY_SETTING = list(itertools.product(WEIGHTS, (False, True), (False, True), (False, True)))
EVERY_QUERY = range(len(tokens))
SHOWN = 1e-4  # four decimals shown, float64 against float32
EXACT = 1e-5  # the coordinates the pictures keep, float64 against float32
STEP = 0.05  # how far an arrow key moves an arrow

READ = """() => {
  const root = document.getElementById("explorer");
  const numbers = (role) => [...root.querySelectorAll(`[data-role=${role}]`)].map((e) => e.textContent);
  const marks = (kind) => [...root.querySelectorAll(`[data-kind=${kind}]`)].map((e) => ({
    token: Number(e.dataset.token), x: Number(e.dataset.x), y: Number(e.dataset.y), z: Number(e.dataset.z),
    value: Number(e.dataset.value), panel: e.closest("svg").dataset.panel,
  }));
  const kinds = ["query", "key", "value", "along", "share", "context", "input", "image", "lost"];
  return {
    scores: numbers("score"),
    along: numbers("along"),
    before: numbers("before-dropout"),
    weights: numbers("weight"),
    context: root.querySelector("[data-role=context]").textContent,
    rowSum: root.querySelector("span[data-role=row-sum]").textContent,
    heatmap: [...root.querySelectorAll(".explorer-heatmap tbody tr")].map(
      (row) => [...row.querySelectorAll("td")].map((cell) => [cell.dataset.value, cell.textContent])),
    rowsMarked: [...root.querySelectorAll(".explorer-steps tbody tr")].map((row) => row.className),
    plane: Object.fromEntries(kinds.map((kind) => [kind, marks(kind)])),
    valueWeights: [...root.querySelectorAll("line.value")].map((line) => Number(line.dataset.weight)),
    planeShown: root.querySelector("svg[data-panel=scores]").getClientRects().length > 0,
  };
}"""


def number(text):
    """A number as the page writes it: a real minus sign, and −∞ for masked scores."""
    text = text.strip().replace("−", "-")
    return -math.inf if text == "-∞" else float(text)


def vector(text):
    return [number(part) for part in text.strip("[]").split(",")]


def chapter_weights(runs, which):
    """The chapter's W_query, W_key and W_value as (d_in, d_out) matrices: 3.4's, or SelfAttention_v2's of 3.5."""
    if which == "trainable":
        run = runs["chapter.trainable_attention"].namespace
        return {part: run[f"W_{part}"].detach().clone() for part in PARTS}
    sa_v2 = runs["chapter.causal_attention"].namespace["sa_v2"]
    return {part: getattr(sa_v2, f"W_{part}").weight.T.detach().clone() for part in PARTS}


@torch.no_grad()
def expected(setting, x, multiplier, runs, W=None):
    """What PyTorch computes for ``setting`` and embeddings ``x``, with the chapter's weights and seeds
    (or the weights ``W``, part -> (d_in, d_out) matrix)."""
    weights, scaled, masked, dropout = setting
    if weights == "none":
        queries = keys = values = x
    else:
        W = W or chapter_weights(runs, weights)
        queries, keys, values = (x @ W[part] for part in PARTS)
    scores = queries @ keys.T
    along = scores / queries.norm(dim=-1, keepdim=True)  # each key's length along each query
    logits = multiplier * scores / (keys.shape[-1] ** 0.5 if scaled else 1.0)
    if masked:
        future = causal_mask(len(x))
        scores, logits = scores.masked_fill(future, -torch.inf), logits.masked_fill(future, -torch.inf)
    softmaxed = torch.softmax(logits, dim=-1)
    attention = softmaxed
    if dropout:  # the chapter's dropout, seeded as in section 3.5, in training mode
        torch.manual_seed(123)
        attention = torch.nn.Dropout(runs["chapter.causal_attention"].namespace["dropout"].p)(softmaxed)
    return {
        "W": W, "queries": queries, "keys": keys, "values": values, "scores": scores, "along": along,
        "before": softmaxed, "weights": attention, "context": attention @ values,
    }


def assert_close(shown, computed, tolerance, what):
    computed = [float(value) for value in computed]
    assert len(shown) == len(computed), f"{what}: shows {len(shown)} numbers, PyTorch gives {len(computed)}"
    for k, (a, b) in enumerate(zip(shown, computed, strict=True)):
        same = a == b if math.isinf(b) else abs(a - b) <= tolerance
        assert same, (
            f"{what}[{k}]: the page shows {a}, PyTorch computes {b:.6f}\n  page:    {shown}\n  PyTorch: {computed}"
        )


def assert_points(marks, computed, what, dims=("x", "y")):
    """Marks drawn on the page (one per token, in order) sit at PyTorch's coordinates."""
    assert len(marks) == len(computed), f"{what}: {len(marks)} drawn, PyTorch has {len(computed)}"
    for k, (mark, point) in enumerate(zip(marks, computed, strict=True)):
        assert_close([mark[d] for d in dims], point, EXACT, f"{what} [{k}]")


def assert_pictures_match(shown, truth, query, view, what):
    """The plane and the 3-D view show PyTorch's vectors: the query, the keys and each one's length
    along the query, the values with their weights, the weighted values head to tail, the context
    vector, the embeddings, their images under the chosen matrix, and the direction it loses."""
    plane = shown["plane"]
    assert [mark["token"] for mark in plane["query"]] == [query], f"{what}: the query arrow is not the query's"
    assert_points(plane["query"], truth["queries"][query : query + 1], f"{what}: query")
    assert_points(plane["key"], truth["keys"], f"{what}: key")
    assert_close([mark["value"] for mark in plane["along"]], truth["along"][query], EXACT, f"{what}: length along q")
    assert_points(plane["value"], truth["values"], f"{what}: value")
    assert_close(shown["valueWeights"], truth["weights"][query], EXACT, f"{what}: weights on the value arrows")
    used = [j for j, w in enumerate(truth["weights"][query]) if w]
    assert [mark["token"] for mark in plane["share"]] == used, f"{what}: the weighted values laid head to tail"
    assert_points(plane["share"], truth["weights"][query, used, None] * truth["values"][used], f"{what}: α·v")
    assert_points(plane["context"], truth["context"][query : query + 1], f"{what}: context vector")
    assert_points(plane["input"], truth["inputs"], f"{what}: 3-D embedding", dims=("x", "y", "z"))
    W = truth["W"][view]
    assert_points(plane["image"], truth["inputs"] @ W, f"{what}: image under W_{view}")
    assert_points(plane["lost"], explorer.lost_direction(W)[None], f"{what}: lost direction", dims=("x", "y", "z"))


def assert_matches_pytorch(page, setting, x, multiplier, query, runs, W=None, view="query"):
    """The page, at its current state, shows PyTorch's numbers for ``query``, its whole weight matrix
    and, with weights, its pictures."""
    shown = page.evaluate(READ)
    truth = expected(setting, x, multiplier, runs, W) | {"inputs": x}
    where = f"{setting}, query {tokens[query]!r}, multiplier {multiplier}"
    assert_close([number(s) for s in shown["scores"]], truth["scores"][query], SHOWN, f"{where}: scores")
    assert_close([number(s) for s in shown["along"]], truth["along"][query], SHOWN, f"{where}: lengths along q")
    assert_close([number(s) for s in shown["weights"]], truth["weights"][query], SHOWN, f"{where}: weights")
    assert_close(vector(shown["context"]), truth["context"][query], SHOWN, f"{where}: context vector")
    assert_close([number(shown["rowSum"])], [truth["weights"][query].sum()], SHOWN, f"{where}: row sum")
    if setting[3]:
        assert_close([number(s) for s in shown["before"]], truth["before"][query], SHOWN, f"{where}: before dropout")
    for row, (cells, weights) in enumerate(zip(shown["heatmap"], truth["weights"], strict=True)):
        assert_close([float(value) for value, _ in cells], weights, 1e-5, f"{where}: heatmap row {row}")
        assert_close([number(text) for _, text in cells], weights, 0.005 + 1e-6, f"{where}: heatmap row {row} text")
    assert shown["planeShown"] == (setting[0] != "none"), f"{where}: the plane is drawn only with weights"
    if setting[0] == "none":
        assert_points(shown["plane"]["input"], x, f"{where}: 3-D embedding", dims=("x", "y", "z"))
    else:
        assert_pictures_match(shown, truth, query, view, where)
    return shown


@pytest.fixture(scope="module")
def runs():
    """The walk-throughs the explorer starts from (3.3, 3.4 and 3.5), run here for their numbers."""
    names = ("chapter.simple_attention", "chapter.trainable_attention", "chapter.causal_attention")
    return {name: runner.run(name) for name in names}


def explorer_at(tab, url):
    """The explorer at ``url``, freshly loaded; the test fails if its script raised meanwhile."""
    return loaded(tab, url, "#explorer[data-ready]", "the explorer")


@pytest.fixture
def page(tab, server):
    """The explorer, freshly loaded: every test starts from the chapter's numbers."""
    tab.set_viewport_size({"width": 1280, "height": 900})
    with explorer_at(tab, server + "explorer/") as page:
        yield page


def click(page, group, index):
    page.locator(f"label[for=explorer-{group}-{index}]").click()


def choose(page, group, index):
    """Select an option the way a keyboard user does: move the focus to it and press Space."""
    page.focus(f"#explorer-{group}-{index}")
    page.keyboard.press("Space")
    assert page.is_checked(f"#explorer-{group}-{index}")


def press_stage(page, name):
    """Press one of the chapter's stage buttons from the keyboard."""
    page.focus(f"[data-preset={name}]")
    page.keyboard.press("Enter")


def set_up(page, setting):
    """Make every choice of ``setting`` from the keyboard: the weights, then each switch."""
    choose(page, "weights", WEIGHTS.index(setting[0]))
    for name, on in zip(SWITCHES, setting[1:], strict=True):
        if page.is_checked(f"#explorer-{name}") != on:
            page.focus(f"#explorer-{name}")
            page.keyboard.press("Space")
        assert page.is_checked(f"#explorer-{name}") == on, name


def each_query(page, queries=EVERY_QUERY):
    """Select each query token in turn: the arrow keys move through a group of options."""
    choose(page, "query", 0)
    for query in range(max(queries) + 1):
        if query:
            page.keyboard.press("ArrowRight")
        if query in queries:
            yield query


def set_multiplier(page, value):
    page.locator("#explorer-multiplier").fill(str(value))


def edit(page, token, dim, value):
    page.locator(f".explorer-embeddings input[data-row='{token}'][data-col='{dim}']").fill(str(value))


def edit_weight(page, part, row, col, value):
    page.locator(f".explorer-matrix input[data-matrix={part}][data-row='{row}'][data-col='{col}']").fill(str(value))


def shown_embeddings(page):
    fields = page.locator(".explorer-embeddings input")
    return torch.tensor([float(fields.nth(k).input_value()) for k in range(fields.count())]).reshape(inputs.shape)


def handle(page, part, token):
    return page.locator(f"[data-drag][data-kind={part}][data-token='{token}']")


def position(page, part, token):
    h = handle(page, part, token)
    return torch.tensor([float(h.get_attribute("data-x")), float(h.get_attribute("data-y"))], dtype=torch.float64)


def least_change(x, token, delta, W):
    """The embeddings after moving ``token``'s arrow under ``W`` by ``delta``: x + Δ W⁺, W⁺ = (WᵀW)⁻¹Wᵀ."""
    moved = x.double().clone()
    moved[token] += delta @ torch.linalg.pinv(W.double())
    return moved.float()


def test_the_explorer_opens_at_3_4_scaled_and_journey_shows_the_books_weights(page, runs):
    assert page.eval_on_selector_all("[aria-pressed=true]", "b => b.map((e) => e.dataset.preset)") == ["scaled"]
    weights = [number(text) for text in page.evaluate(READ)["weights"]]
    book = runs["chapter.trainable_attention"].namespace["attn_weights_2"]
    assert_close(weights, book, SHOWN, "journey's weights at 3.4")
    page.locator("[data-preset=dot]").click()  # with the mouse
    click(page, "query", 2)
    click(page, "query", 1)
    weights = [number(text) for text in page.evaluate(READ)["weights"]]
    assert_close(weights, [0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581], 1e-9, "journey's weights at 3.3")


def test_every_setting_and_query_shows_what_pytorch_computes_for_the_chapters_inputs(page, runs):
    for setting in EVERY_SETTING:
        set_up(page, setting)
        for query in each_query(page):
            assert_matches_pytorch(page, setting, inputs, 1.0, query, runs)


def test_each_stage_button_sets_every_choice_and_the_page_says_when_the_weights_change(page, runs):
    note = page.locator("[data-role=weights-note]")
    for name, setting in PRESETS.items():
        press_stage(page, name)
        assert page.is_checked(f"#explorer-weights-{WEIGHTS.index(setting[0])}"), name
        assert [page.is_checked(f"#explorer-{switch}") for switch in SWITCHES] == list(setting[1:]), name
        pressed = page.eval_on_selector_all("[aria-pressed=true]", "b => b.map((e) => e.dataset.preset)")
        assert pressed == [name]
        assert_matches_pytorch(page, setting, inputs, 1.0, 1, runs)
    press_stage(page, "scaled")
    press_stage(page, "causal")  # the chapter's step from 3.4 to 3.5: the mask, and other weights
    said = note.inner_text()
    assert "nn.Linear" in said and "torch.manual_seed(789)" in said, said
    assert "from “3.4: torch.rand, seed 123” to “3.5: SelfAttention_v2, seed 789”" in said, said
    page.focus("#explorer-dropout")
    page.keyboard.press("Space")  # a change that keeps the weights: the note stops saying they changed
    assert "changed the weights" not in note.inner_text()
    press_stage(page, "scaled")
    page.focus("#explorer-masked")
    page.keyboard.press("Space")  # the mask alone, on 3.4's weights
    assert "changed the weights" not in note.inner_text()
    assert page.eval_on_selector_all("[aria-pressed=true]", "b => b.length") == 0, "no stage of the chapter"
    shown = assert_matches_pytorch(page, ("trainable", True, True, False), inputs, 1.0, 1, runs)
    mask_alone = [number(text) for text in shown["weights"][:2]]
    book = runs["chapter.causal_attention"].namespace["causal_weights"][1, :2]
    assert all(abs(a - b) > 0.1 for a, b in zip(mask_alone, book.tolist(), strict=True)), (mask_alone, book)


EDITION_WORDS = {"ja": ("ドロップアウト", "コンテキストベクトル", "キー"), "ko": ("드롭아웃", "문맥 벡터", "키")}


@pytest.mark.parametrize("lang", EDITION_WORDS)
def test_the_explorer_of_each_edition_shows_the_same_numbers_in_its_words(tab, server, runs, lang):
    with explorer_at(tab, server + f"{lang}/explorer/") as page:
        for name, setting in PRESETS.items():
            press_stage(page, name)
            for query in each_query(page, queries=(1, 3)):
                assert_matches_pytorch(page, setting, inputs, 1.0, query, runs)
        text = page.inner_text("#explorer")
        labels = " ".join(page.eval_on_selector_all("[data-drag]", "h => h.map((e) => e.getAttribute('aria-label'))"))
        assert all(word in text + labels for word in EDITION_WORDS[lang]), text[:300]
        assert "Context vector" not in text and " of “" not in labels, labels[:200]


@pytest.mark.parametrize(
    ("edits", "weight_edits", "multiplier"),
    [
        ({(2, d): v for d, v in enumerate([0.55, 0.87, 0.66])}, {}, 1.0),  # "starts" made equal to "journey"
        ({(0, 2): -0.75, (5, 1): 2.25, (3, 0): 0.0}, {}, 2.5),  # negatives, zeros and larger scores
        ({(1, 0): 1.5, (4, 1): 3.0}, {}, 0.0),  # multiplier 0: every visible token weighs the same
        ({(1, 2): -0.4}, {("query", 0, 1): -0.5, ("key", 2, 0): 1.25, ("value", 1, 1): -2.0}, 1.0),  # weights too
    ],
    ids=["two-tokens-equal", "several-values-sharper", "multiplier-zero", "weights-edited"],
)
def test_edited_embeddings_and_weights_show_what_pytorch_computes(page, runs, edits, weight_edits, multiplier):
    x = inputs.clone()
    for (token, dim), value in edits.items():
        edit(page, token, dim, value)
        x[token, dim] = value
    set_multiplier(page, multiplier)
    for weights in WEIGHTS:
        choose(page, "weights", WEIGHTS.index(weights))
        W = None if weights == "none" else chapter_weights(runs, weights)
        for (part, row, col), value in weight_edits.items() if W else ():  # the fields hold the chosen weights
            edit_weight(page, part, row, col, value)
            W[part][row, col] = value
        for setting in EVERY_SETTING:
            if setting[0] == weights:
                set_up(page, setting)
                for query in each_query(page):
                    assert_matches_pytorch(page, setting, x, multiplier, query, runs, W)


@pytest.mark.parametrize(
    ("panel", "part", "token"),
    [("scores", "key", 5), ("scores", "query", 1), ("context", "value", 0)],
    ids=["key-of-step", "query-of-journey", "value-of-Your"],
)
def test_dragging_an_arrow_moves_it_by_the_pointers_path_and_its_token_by_the_least_change(
    page, runs, panel, part, token
):
    W = chapter_weights(runs, "trainable")
    before = position(page, part, token)
    scale = page.eval_on_selector(  # screen pixels per unit of the plane, while the drag lasts
        f"svg[data-panel={panel}]", "svg => svg.getBoundingClientRect().width / 240 * Number(svg.dataset.scale)")
    box = handle(page, part, token).bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 20, y0 - 5, steps=3)
    page.mouse.move(x0 + 36, y0 - 24, steps=3)
    page.mouse.up()
    delta = position(page, part, token) - before
    assert_close(delta.tolist(), [36 / scale, 24 / scale], 1.0 / scale, f"the {part} of {tokens[token]!r} moved")
    moved = least_change(inputs, token, delta, W[part])
    assert_close([(moved[token] - inputs[token]) @ explorer.lost_direction(W[part])], [0.0], 1e-6,
                 "the embedding moved along the direction the matrix loses")
    assert_close(shown_embeddings(page).flatten(), moved.flatten(), 5e-5 + 1e-7, "the embedding fields")
    for query in each_query(page):  # its query, key and value all follow, seen from every query
        assert_matches_pytorch(page, START, moved, 1.0, query, runs)


def test_the_keyboard_alone_reaches_an_arrow_moves_it_and_the_change_is_announced(page, runs):
    page.focus("#explorer-multiplier")
    page.keyboard.press("Tab")  # the first arrow after the controls: the key of "Your"
    focused = "document.activeElement.dataset.kind + ' ' + document.activeElement.dataset.token"
    assert page.evaluate(focused) == "key 0"
    before = position(page, "key", 0)
    for key in ("ArrowUp", "ArrowUp", "ArrowRight"):
        page.keyboard.press(key)
    assert page.evaluate(focused) == "key 0", "the focus stays on the arrow it moves"
    delta = position(page, "key", 0) - before
    assert_close(delta.tolist(), [STEP, 2 * STEP], 1e-9, "three presses of the arrow keys")
    moved = least_change(inputs, 0, delta, chapter_weights(runs, "trainable")["key"])
    shown = assert_matches_pytorch(page, START, moved, 1.0, 1, runs)
    parts = ["Moved the key of Your", *(f"{t} {w}" for t, w in zip(tokens, shown["weights"], strict=True))]
    page.wait_for_function(  # the announcement of the final state, not of a step on the way
        "parts => parts.every((part) => document.querySelector('[data-role=announcer]').textContent.includes(part))",
        arg=parts)


ARROW_COLOURS = """() => {
  const colour = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
  return {
    page: getComputedStyle(document.body).backgroundColor,
    arrows: Object.fromEntries(["line.query", "line.key", "line.value", "line.context", "line.lost"]
      .map((selector) => [selector, colour(`#explorer ${selector}`, "stroke")])),
    handles: ["query", "key", "value"].map((part) => colour(`#explorer .handle.${part}`, "fill")),
    label: colour("#explorer svg text", "fill"),
  };
}"""


def luminance(colour):
    channels = [int(c) / 255 for c in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_in_both_schemes_the_arrows_stand_out_from_the_page_and_their_labels_read(browser, server, scheme):
    """Arrows and their dots at 3:1 against the page at least (WCAG's contrast for graphics), labels at 4.5:1."""
    page = browser.new_page(color_scheme=scheme)
    page.goto(server + "explorer/", wait_until="load")
    page.wait_for_selector("#explorer[data-ready]")
    found = page.evaluate(ARROW_COLOURS)
    page.close()
    drawn = {**found["arrows"], **dict(zip(("query dot", "key dot", "value dot"), found["handles"], strict=True))}
    faint = {name: colour for name, colour in drawn.items() if contrast(colour, found["page"]) < 3}
    assert not faint, f"{scheme}: {faint} against {found['page']}"
    assert contrast(found["label"], found["page"]) >= 4.5, (scheme, found)


def test_keyboard_alone_moves_the_query_the_switches_and_the_multiplier(page, runs):
    page.focus("#explorer-query-1")
    page.keyboard.press("ArrowRight")  # radio groups move with the arrow keys
    assert page.is_checked("#explorer-query-2")
    page.focus("#explorer-masked")
    page.keyboard.press("Space")  # a switch toggles with Space
    page.focus("#explorer-multiplier")
    page.keyboard.press("ArrowRight")  # one step of the slider: 1.25
    assert page.locator("[data-role=multiplier]").inner_text() == "c = 1.25"
    shown = assert_matches_pytorch(page, ("trainable", True, True, False), inputs, 1.25, 2, runs)
    expected_parts = [f"{token} {value}" for token, value in zip(tokens, shown["weights"], strict=True)]
    page.wait_for_function(
        "parts => parts.every((part) => document.querySelector('[data-role=announcer]').textContent.includes(part))",
        arg=["query starts", "causal mask", *expected_parts])


def test_moving_journey_along_the_lost_direction_leaves_its_query_as_the_page_says(page, runs):
    W_query = chapter_weights(runs, "trainable")["query"]
    n = explorer.lost_direction(W_query)
    query_before = page.locator("[data-role=query-vector]").inner_text()
    keys_before = [position(page, "key", 1), position(page, "value", 1)]
    typed = [float(f"{v:.4f}") for v in inputs[1] + n]  # what "Things to try" tells the reader to type
    x = inputs.clone()
    for dim, value in enumerate(typed):
        edit(page, 1, dim, value)
        x[1, dim] = value
    assert page.locator("[data-role=query-vector]").inner_text() == query_before, "the query moved"
    for part, old in zip(("key", "value"), keys_before, strict=True):
        assert (position(page, part, 1) - old).norm() > 0.1, f"the {part} of 'journey' did not move"
    assert_matches_pytorch(page, START, x, 1.0, 1, runs)


def test_the_3d_view_draws_the_embeddings_under_each_matrix_with_the_direction_it_loses(page, runs):
    for weights in ("trainable", "causal"):
        choose(page, "weights", WEIGHTS.index(weights))
        for index, view in enumerate(PARTS):
            choose(page, "view", index)
            caption = page.locator("#explorer-images-caption").inner_text()
            assert f"W_{view}" in caption, caption
            assert_matches_pytorch(page, (weights, True, False, False), inputs, 1.0, 1, runs, view=view)


def test_dropout_marks_the_dropped_weights_with_or_without_the_mask_and_rows_stop_summing_to_one(page, runs):
    keep = runs["chapter.causal_attention"].namespace["dropout_pattern"] != 0
    for setting in (PRESETS["dropout"], ("trainable", True, False, True)):
        set_up(page, setting)
        sums = []
        for query in each_query(page):
            shown = page.evaluate(READ)
            masked = setting[2]
            marks = [
                "masked" if masked and j > query else "kept" if keep[query, j] else "dropped"
                for j in range(len(tokens))
            ]
            assert shown["rowsMarked"] == marks, f"{setting}, query {tokens[query]!r}"
            sums.append(number(shown["rowSum"]))
        assert any(abs(total - 1) > 0.1 for total in sums), f"every row still sums to 1: {sums}"


def test_the_row_sum_says_in_its_own_words_when_dropout_zeroed_or_kept_every_weight_a_query_may_use(page, runs):
    keep = (runs["chapter.causal_attention"].namespace["dropout_pattern"] != 0).tolist()
    set_up(page, PRESETS["dropout"])
    seen = set()
    for query in each_query(page):
        kept, visible = sum(keep[query][: query + 1]), query + 1
        case = "none" if kept == 0 else "all" if kept == visible else "some"
        text = page.locator("#explorer p.explorer-note:has(span[data-role=row-sum])").inner_text()
        expected = {"none": f"dropout zeroed all {visible} weights", "all": f"dropout kept all {visible} weights",
                    "some": f"dropout kept {kept} of the {visible} weights"}[case]
        assert expected in text and "kept 0 " not in text and "the other 0" not in text, (tokens[query], text)
        seen.add(case)
    if machine.dropout_matches_book():  # the book's pattern has rows of all three kinds
        assert seen == {"none", "some", "all"}, f"the chapter's pattern shows only these cases: {seen}"


def test_reset_restores_the_chapters_embeddings_weights_and_numbers(page, runs):
    edit(page, 1, 1, 9)
    edit_weight(page, "key", 0, 0, -3)
    page.get_by_role("button", name="Reset to the chapter's numbers").click()
    assert shown_embeddings(page).flatten().tolist() == pytest.approx(inputs.flatten().tolist())
    W = chapter_weights(runs, "trainable")
    fields = page.locator(".explorer-matrix[data-matrix=key] input")
    shown = [float(fields.nth(k).input_value()) for k in range(fields.count())]
    assert shown == pytest.approx(W["key"].flatten().tolist(), abs=1e-4)
    choose(page, "query", 1)
    assert_matches_pytorch(page, START, inputs, 1.0, 1, runs)


@pytest.mark.parametrize("which", ["embedding", "weight"])
def test_a_field_without_a_usable_number_is_flagged_and_the_last_numbers_stay(page, runs, which):
    x, W = inputs.clone(), chapter_weights(runs, "trainable")
    if which == "embedding":
        field, tensor, at = page.locator(".explorer-embeddings input[data-row='1'][data-col='0']"), x, (1, 0)
    else:
        field = page.locator(".explorer-matrix input[data-matrix=query][data-row='2'][data-col='1']")
        tensor, at = W["query"], (2, 1)
    note = page.locator("#explorer-input-note")
    for entry in ("", "1e9"):  # no number; a number beyond the ±100 the explorer accepts
        field.fill(entry)
        assert field.get_attribute("aria-invalid") == "true", repr(entry)
        assert note.is_visible() and field.get_attribute("aria-describedby") == "explorer-input-note"
        assert_matches_pytorch(page, START, x, 1.0, 1, runs, W)
    field.fill("0.65")  # a usable number again: the flag goes and the numbers follow
    assert field.get_attribute("aria-invalid") == "false" and note.is_hidden()
    tensor[at] = 0.65
    assert_matches_pytorch(page, START, x, 1.0, 1, runs, W)


def test_formulas_bars_and_the_current_row_follow_the_state(page, runs):
    assert page.locator("#explorer-fallback").is_hidden(), "the static figures stay once the explorer runs"
    for name, setting in PRESETS.items():
        press_stage(page, name)
        choose(page, "query", 3)
        formulas = page.locator(".explorer-formula").all_inner_texts()
        weights_formula = next(text for text in formulas if text.startswith("2. Weights"))
        assert ("√" in weights_formula) == setting[1], (name, weights_formula)
        assert ("−∞" in " ".join(formulas)) == setting[2], (name, formulas)
        truth = expected(setting, inputs, 1.0, runs)
        if setting[0] != "none":
            shown = vector(page.locator("[data-role=query-vector]").inner_text())
            assert_close(shown, truth["queries"][3], SHOWN, f"{name}: query vector")
        norm = number(page.locator("[data-role=query-norm]").inner_text())
        assert_close([norm], [truth["queries"][3].norm()], SHOWN, f"{name}: |q|")
        shares = page.eval_on_selector_all(
            ".explorer-bar", "bars => bars.map((bar) => Number(bar.style.getPropertyValue('--share')))")
        top = max(1.0, float(truth["weights"][3].max()))
        assert_close(shares, [float(w) / top for w in truth["weights"][3]], 1e-6, f"{name}: bar lengths")
        current = page.eval_on_selector_all(".explorer-heatmap td.current", "cells => cells.map((c) => c.dataset.row)")
        assert current == ["3"] * len(tokens), f"{name}: the highlighted heatmap row is not the query's"
        assert page.locator(".explorer-heatmap th[aria-current=true]").inner_text() == tokens[3]


# What changes what: each control, and the pictures that must be on screen with it.
CONTROLS = {
    "stage buttons": ".explorer-presets",
    "query token": ".explorer-query",
    "weights": ".explorer-weights",
    "switches": ".explorer-switches",
    "multiplier": ".explorer-scale",
    "a weight entry": ".explorer-matrix[data-matrix=value] tr:last-child input >> nth=1",
    "the first embedding": ".explorer-embeddings tbody tr:first-child",
    "the last embedding": ".explorer-embeddings tbody tr:last-child",
    "the matrix drawn": ".explorer-view",
}
PICTURES = [f"svg[data-panel={name}]" for name in ("scores", "context", "space", "images")]
ON_SCREEN_TOGETHER = """([control, pictures]) => {
  // Is there a scroll position where the control and every picture lie wholly between the header and
  // the bottom of the window? Try the control at each height, 10 pixels apart.
  const top = document.querySelector(".md-header").getBoundingClientRect().bottom;
  const inside = (el) => { const b = el.getBoundingClientRect(); return b.top >= top && b.bottom <= innerHeight; };
  const target = document.querySelector(control);
  for (let y = top; y < innerHeight; y += 10) {
    window.scrollBy({ top: target.getBoundingClientRect().top - y, behavior: "instant" });
    if (inside(target) && pictures.every((p) => inside(document.querySelector(p)))) return y;
  }
  return null;
}"""


def test_at_1280_by_900_each_control_is_on_screen_together_with_the_pictures_it_changes(page):
    for what, selector in CONTROLS.items():
        css = selector.split(" >> ")[0]
        if " >> nth=" in selector:  # the field itself, marked so the in-page script finds that one
            page.locator(selector).evaluate("e => e.setAttribute('data-probe', '')")
            css = "[data-probe]"
        at = page.evaluate(ON_SCREEN_TOGETHER, [css, PICTURES])
        assert at is not None, f"at 1280 × 900, {what} and the pictures are never on screen together"


def test_at_390_pixels_nothing_is_cut_off_and_what_scrolls_is_labelled_and_reachable(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "explorer/", wait_until="load")
    page.wait_for_selector("#explorer[data-ready]")
    found = page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      const scroller = (el) => el.closest(".explorer-scroll");
      const all = [...document.querySelectorAll("#explorer *")];
      return {
        width, page: document.documentElement.scrollWidth,
        cut: all.filter((el) => el.getBoundingClientRect().right > width + 1 && !scroller(el))
          .map((el) => el.tagName + "." + el.getAttribute("class")),
        scrolling: all.filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
          .map((el) => [el.getAttribute("tabindex"), el.getAttribute("role"), el.getAttribute("aria-label")]),
        panels: [...document.querySelectorAll("#explorer svg")].map((svg) => svg.getBoundingClientRect().width),
      };
    }""")
    page.close()
    assert found["page"] <= found["width"] and not found["cut"], found["cut"][:5]
    assert all(tabindex == "0" and role == "region" and label for tabindex, role, label in found["scrolling"]), found
    assert min(found["panels"]) >= 300, f"the pictures are drawn too small on a phone: {found['panels']}"


def test_without_javascript_the_static_figures_show_instead(browser, server, runs):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "explorer/", wait_until="load")
    assert page.locator("#explorer").is_hidden()
    assert page.locator("#explorer-fallback").is_visible()
    assert page.locator("#explorer-fallback figure svg.figure-heatmap[role=img]").count() == len(PRESETS)
    planes = page.locator("#explorer-fallback figure svg.figure-plane[role=img]")
    assert planes.count() == 3, "the scores, the context vector and the six queries of 3.4"
    run = runs["chapter.trainable_attention"].namespace
    drawn = [
        [[float(line.get_attribute(f"data-{d}")) for d in "xy"] for line in planes.nth(k).locator(f"line.{kind}").all()]
        for k, kind in ((0, "key"), (1, "value"), (2, "query"))
    ]
    truths = (run["keys"], run["values"], run["queries"])
    for shown, truth, what in zip(drawn, truths, ("keys", "values", "queries"), strict=True):
        assert_close([v for point in shown for v in point], truth.flatten(), 1e-5, f"fallback figure: {what}")
    context.close()


def test_the_explorers_starting_data_is_the_chapters(runs):
    runs = {name: run.namespace for name, run in runs.items()}
    data = explorer.initial_state(runs["chapter.trainable_attention"], runs["chapter.causal_attention"])
    assert data["tokens"] == tokens
    assert torch.tensor(data["inputs"]).equal(inputs)
    sa_v2 = runs["chapter.causal_attention"]["sa_v2"]
    for part in PARTS:
        trainable = runs["chapter.trainable_attention"][f"W_{part}"].data
        assert torch.tensor(data["weights"]["trainable"][part]).equal(trainable)
        assert torch.tensor(data["weights"]["causal"][part]).equal(getattr(sa_v2, f"W_{part}").weight.T)
    assert data["dropout"]["rate"] == runs["chapter.causal_attention"]["dropout"].p
    assert torch.tensor(data["dropout"]["keep"]).equal(runs["chapter.causal_attention"]["dropout_pattern"] != 0)


def test_the_lost_direction_is_a_unit_vector_that_each_matrix_sends_to_zero(runs):
    for which in ("trainable", "causal"):
        for part, W in chapter_weights(runs, which).items():
            n = explorer.lost_direction(W)
            assert n.norm().item() == pytest.approx(1.0, abs=1e-6), (which, part)
            assert (n @ W).abs().max().item() < 1e-6, f"{which} W_{part} sends n to {n @ W}"


def test_what_the_page_says_about_the_chapters_numbers_holds(runs):
    """The page's prose: with plain dot products the largest weight of "journey" is on itself; with
    3.5's weights and no mask it is on another token; masking 3.4's weights splits it otherwise than 3.5's."""
    simple = runs["chapter.simple_attention"].namespace
    causal = runs["chapter.causal_attention"].namespace
    trainable = runs["chapter.trainable_attention"].namespace
    assert tokens[simple["attn_weights_2"].argmax()] == "journey"
    assert tokens[causal["attn_scores"][1].argmax()] != "journey"
    mask_alone = torch.softmax(trainable["attn_scores_2"][:2] / trainable["d_k"] ** 0.5, dim=-1)
    assert (mask_alone - causal["causal_weights"][1, :2]).abs().min() > 0.1, "the weights alone change the split"


def test_the_row_the_page_points_at_keeps_some_weights_and_drops_others(runs):
    causal = runs["chapter.causal_attention"].namespace
    row = explorer.partly_dropped_query(causal)
    i = tokens.index(row["token"])
    visible = causal["dropout_pattern"][i, : i + 1]
    assert 0 < row["kept"] == int((visible != 0).sum()) < row["visible"] == i + 1
    assert row["sum"] == pytest.approx(causal["dropped_weights"][i].sum().item(), abs=1e-6)
    earlier = [int((causal["dropout_pattern"][j, : j + 1] != 0).sum()) for j in range(i)]
    assert all(kept in (0, j + 1) for j, kept in enumerate(earlier)), f"an earlier row is partial: {earlier}"


def test_the_explorer_script_and_styles_send_under_20_kb_gzipped(built_site):
    """Its script and its own stylesheet, plus the site's stylesheet that every page loads (the issue
    allows 30 KB)."""
    names = ("explorer.js", "explorer.css", "site.css")
    total = sum(sent_bytes(built_site / "assets" / name) for name in names)
    assert total < 20 * 1024, f"{', '.join(names)} send {total / 1024:.1f} KB gzipped"


def test_only_the_explorers_pages_load_its_stylesheet(built_site):
    """Every other page would carry its weight for nothing. The 3.6 stage's pages use its controls' styles."""
    loading = sorted(
        str(path.parent.relative_to(built_site)) for path in built_site.rglob("*.html")
        if "assets/explorer.css" in path.read_text(encoding="utf-8")
    )
    pages = [f"{prefix}{name}" for prefix in ("", "ja/", "ko/") for name in ("explorer", "explorer-heads")]
    assert loading == sorted(pages), loading
