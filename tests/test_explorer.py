"""The attention explorer, driven in Chromium: what it shows equals what PyTorch computes.

For every stage and every query token, with the chapter's embeddings and with edited ones, the test
reads the numbers off the page and compares them with the same computation done here in PyTorch, on
the weights of the chapter's own runs. The browser works in float64 and PyTorch in float32; the page
shows four decimals, so shown numbers must agree within 1e-4.
"""

import contextlib
import math

import pytest
import torch
from site_tools import sent_bytes

from engine import explorer, runner
from snippets.attention import causal_mask
from snippets.sentence import inputs, tokens

STAGES = ["dot", "unscaled", "scaled", "causal", "dropout"]  # the explorer's order
EVERY_QUERY = range(len(tokens))
SHOWN = 1e-4  # four decimals shown, float64 against float32

READ = """() => {
  const root = document.getElementById("explorer");
  const numbers = (role) => [...root.querySelectorAll(`[data-role=${role}]`)].map((e) => e.textContent);
  return {
    scores: numbers("score"),
    before: numbers("before-dropout"),
    weights: numbers("weight"),
    context: root.querySelector("[data-role=context]").textContent,
    rowSum: root.querySelector("span[data-role=row-sum]").textContent,
    heatmap: [...root.querySelectorAll(".explorer-heatmap tbody tr")].map(
      (row) => [...row.querySelectorAll("td")].map((cell) => [cell.dataset.value, cell.textContent])),
    rowsMarked: [...root.querySelectorAll(".explorer-steps tbody tr")].map((row) => row.className),
  };
}"""


def number(text):
    """A number as the page writes it: a real minus sign, and −∞ for masked scores."""
    text = text.strip().replace("−", "-")
    return -math.inf if text == "-∞" else float(text)


def vector(text):
    return [number(part) for part in text.strip("[]").split(",")]


@torch.no_grad()
def expected(stage, x, multiplier, runs):
    """What PyTorch computes at ``stage`` for embeddings ``x``, with the chapter's weights and seeds."""
    if stage == "dot":
        queries = keys = values = x
    elif stage in ("unscaled", "scaled"):
        run = runs["chapter.trainable_attention"].namespace
        queries, keys, values = x @ run["W_query"], x @ run["W_key"], x @ run["W_value"]
    else:
        sa_v2 = runs["chapter.causal_attention"].namespace["sa_v2"]
        queries, keys, values = sa_v2.W_query(x), sa_v2.W_key(x), sa_v2.W_value(x)
    scores = queries @ keys.T
    divisor = keys.shape[-1] ** 0.5 if stage in ("scaled", "causal", "dropout") else 1.0
    logits = multiplier * scores / divisor
    if stage in ("causal", "dropout"):
        future = causal_mask(len(x))
        scores, logits = scores.masked_fill(future, -torch.inf), logits.masked_fill(future, -torch.inf)
    softmaxed = torch.softmax(logits, dim=-1)
    weights = softmaxed
    if stage == "dropout":  # the chapter's dropout, seeded as in section 3.5, in training mode
        torch.manual_seed(123)
        weights = torch.nn.Dropout(runs["chapter.causal_attention"].namespace["dropout"].p)(softmaxed)
    return {"queries": queries, "scores": scores, "before": softmaxed, "weights": weights, "context": weights @ values}


def assert_close(shown, computed, tolerance, what):
    computed = [float(value) for value in computed]
    assert len(shown) == len(computed), f"{what}: shows {len(shown)} numbers, PyTorch gives {len(computed)}"
    for k, (a, b) in enumerate(zip(shown, computed, strict=True)):
        same = a == b if math.isinf(b) else abs(a - b) <= tolerance
        assert same, (
            f"{what}[{k}]: the page shows {a}, PyTorch computes {b:.6f}\n  page:    {shown}\n  PyTorch: {computed}"
        )


def assert_matches_pytorch(page, stage, x, multiplier, query, runs):
    """The page, at its current state, shows PyTorch's numbers for ``query`` and its whole weight matrix."""
    shown = page.evaluate(READ)
    truth = expected(stage, x, multiplier, runs)
    where = f"stage {stage}, query {tokens[query]!r}, multiplier {multiplier}"
    assert_close([number(s) for s in shown["scores"]], truth["scores"][query], SHOWN, f"{where}: scores")
    assert_close([number(s) for s in shown["weights"]], truth["weights"][query], SHOWN, f"{where}: weights")
    assert_close(vector(shown["context"]), truth["context"][query], SHOWN, f"{where}: context vector")
    assert_close([number(shown["rowSum"])], [truth["weights"][query].sum()], SHOWN, f"{where}: row sum")
    if stage == "dropout":
        assert_close([number(s) for s in shown["before"]], truth["before"][query], SHOWN, f"{where}: before dropout")
    for row, (cells, weights) in enumerate(zip(shown["heatmap"], truth["weights"], strict=True)):
        assert_close([float(value) for value, _ in cells], weights, 1e-5, f"{where}: heatmap row {row}")
        assert_close([number(text) for _, text in cells], weights, 0.005 + 1e-6, f"{where}: heatmap row {row} text")
    return shown


@pytest.fixture(scope="module")
def runs():
    """The two walk-throughs the explorer starts from (3.4 and 3.5), run here for their weights."""
    return {name: runner.run(name) for name in ("chapter.trainable_attention", "chapter.causal_attention")}


@pytest.fixture(scope="module")
def tab(browser):
    """One browser tab for the module: a reload is much quicker than a new tab."""
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    yield tab
    tab.close()


@contextlib.contextmanager
def explorer_at(tab, url):
    """The explorer at ``url``, freshly loaded; the test fails if its script raised meanwhile."""
    errors = []

    def record(error):
        errors.append(str(error))

    tab.on("pageerror", record)
    tab.goto(url, wait_until="load")
    tab.wait_for_selector("#explorer[data-ready]")
    yield tab
    tab.remove_listener("pageerror", record)
    assert not errors, f"the explorer raised: {errors}"


@pytest.fixture
def page(tab, server):
    """The explorer, freshly loaded: every test starts from the chapter's numbers."""
    with explorer_at(tab, server + "explorer/") as page:
        yield page


def click(page, group, index):
    page.locator(f"label[for=explorer-{group}-{index}]").click()


def choose(page, group, index):
    """Select an option the way a keyboard user does: move the focus to it and press Space."""
    page.focus(f"#explorer-{group}-{index}")
    page.keyboard.press("Space")
    assert page.is_checked(f"#explorer-{group}-{index}")


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
    page.locator(f"input[data-row='{token}'][data-col='{dim}']").fill(str(value))


def test_journey_at_stage_3_3_shows_the_books_weights(page):
    click(page, "query", 2)
    click(page, "query", 1)  # with the mouse
    weights = [number(text) for text in page.evaluate(READ)["weights"]]
    assert_close(weights, [0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581], 1e-9, "journey's weights")


def test_every_stage_and_query_shows_what_pytorch_computes_for_the_chapters_inputs(page, runs):
    for index, stage in enumerate(STAGES):
        choose(page, "stage", index)
        for query in each_query(page):
            assert_matches_pytorch(page, stage, inputs, 1.0, query, runs)


EDITION_WORDS = {"ja": ("ドロップアウト", "コンテキストベクトル"), "ko": ("드롭아웃", "문맥 벡터")}


@pytest.mark.parametrize("lang", EDITION_WORDS)
def test_the_explorer_of_each_edition_shows_the_same_numbers_in_its_words(tab, server, runs, lang):
    with explorer_at(tab, server + f"{lang}/explorer/") as page:
        for index, stage in enumerate(STAGES):
            choose(page, "stage", index)
            for query in each_query(page, queries=(1, 3)):
                assert_matches_pytorch(page, stage, inputs, 1.0, query, runs)
        text = page.inner_text("#explorer")
        assert all(word in text for word in EDITION_WORDS[lang]) and "Context vector" not in text, text[:300]


@pytest.mark.parametrize(
    ("edits", "multiplier"),
    [
        ({(2, d): v for d, v in enumerate([0.55, 0.87, 0.66])}, 1.0),  # "starts" made equal to "journey"
        ({(0, 2): -0.75, (5, 1): 2.25, (3, 0): 0.0}, 2.5),  # negatives, zeros and larger scores
        ({(1, 0): 1.5, (4, 1): 3.0}, 0.0),  # multiplier 0: every visible token weighs the same
    ],
    ids=["two-tokens-equal", "several-values-sharper", "multiplier-zero"],
)
def test_edited_embeddings_show_what_pytorch_computes(page, runs, edits, multiplier):
    x = inputs.clone()
    for (token, dim), value in edits.items():
        edit(page, token, dim, value)
        x[token, dim] = value
    set_multiplier(page, multiplier)
    for index, stage in enumerate(STAGES):
        choose(page, "stage", index)
        for query in each_query(page, (0, 2, 5)):
            assert_matches_pytorch(page, stage, x, multiplier, query, runs)


def test_keyboard_alone_moves_the_query_and_the_multiplier_and_changes_are_announced(page, runs):
    page.focus("#explorer-query-1")
    page.keyboard.press("ArrowRight")  # radio groups move with the arrow keys
    assert page.is_checked("#explorer-query-2")
    page.focus("#explorer-multiplier")
    page.keyboard.press("ArrowRight")  # one step of the slider: 1.25
    assert page.locator("[data-role=multiplier]").inner_text() == "c = 1.25"
    assert_matches_pytorch(page, "dot", inputs, 1.25, 2, runs)
    shown = page.evaluate(READ)["weights"]
    expected = [f"{token} {value}" for token, value in zip(tokens, shown, strict=True)]
    page.wait_for_function(  # the announcement of the final state, not of a step on the way
        "parts => parts.every((part) => document.querySelector('[data-role=announcer]').textContent.includes(part))",
        arg=["query starts", *expected])


def test_dropout_stage_marks_the_dropped_weights_and_the_rows_stop_summing_to_one(page, runs):
    choose(page, "stage", STAGES.index("dropout"))
    keep = runs["chapter.causal_attention"].namespace["dropout_pattern"] != 0
    sums = []
    for query in each_query(page):
        shown = page.evaluate(READ)
        marks = ["masked" if j > query else "kept" if keep[query, j] else "dropped" for j in range(len(tokens))]
        assert shown["rowsMarked"] == marks, f"query {tokens[query]!r}"
        sums.append(number(shown["rowSum"]))
    assert any(abs(total - 1) > 0.1 for total in sums), f"every row still sums to 1: {sums}"


def test_reset_restores_the_chapters_embeddings_and_numbers(page, runs):
    edit(page, 1, 1, 9)
    page.get_by_role("button", name="Reset to the chapter's embeddings").click()
    fields = page.locator(".explorer-embeddings input")
    assert [float(fields.nth(k).input_value()) for k in range(fields.count())] == pytest.approx(
        inputs.flatten().tolist())
    choose(page, "query", 1)
    assert_matches_pytorch(page, "dot", inputs, 1.0, 1, runs)


def test_a_field_without_a_usable_number_is_flagged_and_the_last_numbers_stay(page, runs):
    choose(page, "query", 1)
    field = page.locator("input[data-row='1'][data-col='0']")
    note = page.locator("#explorer-input-note")
    for entry in ("", "1e9"):  # no number; a number beyond the ±100 the explorer accepts
        field.fill(entry)
        assert field.get_attribute("aria-invalid") == "true", repr(entry)
        assert note.is_visible() and field.get_attribute("aria-describedby") == "explorer-input-note"
        assert_matches_pytorch(page, "dot", inputs, 1.0, 1, runs)
    field.fill("0.65")  # a usable number again: the flag goes and the numbers follow
    assert field.get_attribute("aria-invalid") == "false" and note.is_hidden()
    edited = inputs.clone()
    edited[1, 0] = 0.65
    assert_matches_pytorch(page, "dot", edited, 1.0, 1, runs)


def test_formulas_bars_and_the_current_row_follow_the_state(page, runs):
    assert page.locator("#explorer-fallback").is_hidden(), "the static figures stay once the explorer runs"
    for index, stage in enumerate(STAGES):
        choose(page, "stage", index)
        choose(page, "query", 3)
        formulas = page.locator(".explorer-formula").all_inner_texts()
        weights_formula = next(text for text in formulas if text.startswith("2. Weights"))
        assert ("√" in weights_formula) == (stage in ("scaled", "causal", "dropout")), (stage, weights_formula)
        assert ("−∞" in " ".join(formulas)) == (stage in ("causal", "dropout")), (stage, formulas)
        truth = expected(stage, inputs, 1.0, runs)
        if stage != "dot":
            shown = vector(page.locator("[data-role=query-vector]").inner_text())
            assert_close(shown, truth["queries"][3], SHOWN, f"stage {stage}: query vector")
        shares = page.eval_on_selector_all(
            ".explorer-bar", "bars => bars.map((bar) => Number(bar.style.getPropertyValue('--share')))")
        top = max(1.0, float(truth["weights"][3].max()))
        assert_close(shares, [float(w) / top for w in truth["weights"][3]], 1e-6, f"stage {stage}: bar lengths")
        current = page.eval_on_selector_all(".explorer-heatmap td.current", "cells => cells.map((c) => c.dataset.row)")
        assert current == ["3"] * len(tokens), f"stage {stage}: the highlighted heatmap row is not the query's"
        assert page.locator(".explorer-heatmap th[aria-current=true]").inner_text() == tokens[3]


def test_without_javascript_the_static_figures_show_instead(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "explorer/", wait_until="load")
    assert page.locator("#explorer").is_hidden()
    assert page.locator("#explorer-fallback figure svg[role=img]").count() == len(STAGES)
    assert page.locator("#explorer-fallback").is_visible()
    context.close()


def test_the_explorers_starting_data_is_the_chapters(runs):
    runs = {name: run.namespace for name, run in runs.items()}
    data = explorer.initial_state(runs["chapter.trainable_attention"], runs["chapter.causal_attention"])
    assert data["tokens"] == tokens
    assert torch.tensor(data["inputs"]).equal(inputs)
    sa_v2 = runs["chapter.causal_attention"]["sa_v2"]
    for part in ("query", "key", "value"):
        trainable = runs["chapter.trainable_attention"][f"W_{part}"].data
        assert torch.tensor(data["weights"]["trainable"][part]).equal(trainable)
        assert torch.tensor(data["weights"]["causal"][part]).equal(getattr(sa_v2, f"W_{part}").weight.T)
    assert data["dropout"]["rate"] == runs["chapter.causal_attention"]["dropout"].p
    assert torch.tensor(data["dropout"]["keep"]).equal(runs["chapter.causal_attention"]["dropout_pattern"] != 0)


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
    """Its script, plus the whole of the site's stylesheet that holds its styles (the issue allows 30 KB)."""
    total = sum(sent_bytes(built_site / "assets" / name) for name in ("explorer.js", "site.css"))
    assert total < 20 * 1024, f"explorer.js and site.css send {total / 1024:.1f} KB gzipped"
