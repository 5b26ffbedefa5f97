"""Figures are drawn from the printed tensors: each one is on its page, has a text alternative, and
shows the same numbers as the output printed just before it."""

import itertools
import re

import pytest
import torch
from editions import PREFIXES
from site_tools import page_soup

from engine import figures

EXPECTED_FIGURES = {
    "simple-self-attention": {"figure-heatmap": 1},
    "trainable-self-attention": {"figure-heatmap": 1},
    "causal-attention": {"figure-heatmap": 4},
    "multi-head-attention": {"figure-split": 1},
    "dark-room": {"figure-chart": 4},
}
NUMBER = re.compile(r"-?\d+\.\d*")


def page(built_site, name):
    return page_soup(built_site / name / "index.html")


@pytest.mark.parametrize("name", EXPECTED_FIGURES)
def test_each_page_shows_its_figures_with_a_text_alternative(built_site, name):
    soup = page(built_site, name)
    for kind, count in EXPECTED_FIGURES[name].items():
        found = soup.select(f"figure.diagram svg.{kind}")
        assert len(found) == count, f"{name}: expected {count} {kind}, found {len(found)}"
    for svg in soup.select("figure.diagram svg"):
        labelled_by = svg["aria-labelledby"].split()
        texts = [soup.find(id=ident).get_text(strip=True) for ident in labelled_by]
        assert svg["role"] == "img" and all(texts), f"{name}: a figure lacks its title or description"


@pytest.mark.parametrize("name", [n for n, kinds in EXPECTED_FIGURES.items() if "figure-heatmap" in kinds])
def test_each_heatmap_shows_the_numbers_printed_before_it(built_site, name):
    soup = page(built_site, name)
    for svg in soup.select("figure.diagram svg.figure-heatmap"):
        cells = [float(rect["data-value"]) for rect in svg.select("rect.cell")]
        output = svg.find_previous(lambda tag: tag.name == "div" and tag.select_one(".filename")
                                   and tag.select_one(".filename").get_text() == "Output")
        printed = [float(n) for n in NUMBER.findall(output.select_one("code").get_text())]
        windows = (printed[k:k + len(cells)] for k in range(len(printed) - len(cells) + 1))
        assert any(
            all(abs(a - b) <= 1e-4 for a, b in zip(window, cells, strict=True)) for window in windows
        ), f"{name}: heatmap '{svg.title.get_text()}' does not match the output printed before it"


def _opacities(svg):
    return [float(x) for x in re.findall(r'fill-opacity="([\d.]+)"', svg)]


def test_heatmap_colours_the_largest_value_strongest_and_labels_every_cell():
    svg = figures.heatmap(torch.tensor([[0.1, 0.9], [0.5, 0.0]]), ["a", "b"], title="t")
    opacities = _opacities(svg)
    assert opacities.index(max(opacities)) == 1 and len(opacities) == 4
    assert re.findall(r'data-value="([-\d.]+)"', svg) == ["0.1000", "0.9000", "0.5000", "0.0000"]
    assert "a: 0.10, 0.90; b: 0.50, 0.00" in svg  # the description lists the values


def test_weights_are_coloured_on_a_0_to_1_scale_so_a_row_holding_little_weight_looks_pale():
    """The 3.5 figure of weights masked after softmax: the first row holds 0.19 in all, and its one cell
    must look no stronger than 0.19 on a scale where 1 is full colour, not full colour itself."""
    weights = torch.tensor([[0.19, 0.0, 0.0], [0.2, 0.3, 0.0], [0.1, 0.2, 0.3]])
    opacities = _opacities(figures.heatmap(weights, ["a", "b", "c"], title="t"))
    assert opacities[0] == pytest.approx(0.06 + 0.94 * 0.19, abs=1e-3)
    assert max(opacities) == pytest.approx(0.06 + 0.94 * 0.3, abs=1e-3)
    scaled = _opacities(figures.heatmap(4 * weights, ["a", "b", "c"], title="t"))  # 1.2 at most: its own scale
    assert max(scaled) == pytest.approx(1.0) and scaled[0] == pytest.approx(0.06 + 0.94 * 0.76 / 1.2, abs=1e-3)


def test_heatmap_row_sums_are_drawn_and_described_when_asked_for():
    weights = torch.tensor([[0.19, 0.0], [0.5, 0.5]])
    svg = figures.heatmap(weights, ["a", "b"], title="t", row_sums=True, lang="ja")
    assert re.findall(r'class="row-sum"[^>]*data-value="([\d.]+)"', svg) == ["0.1900", "1.0000"]
    assert "各行の合計：0.19, 1.00" in svg and "row-sum" not in figures.heatmap(weights, ["a", "b"], title="t")


def test_figure_ids_differ_between_figures_and_stay_the_same_from_build_to_build():
    def figure_id(svg):
        return re.search(r'id="(fig\w+)-title"', svg).group(1)

    first, again = (figures.heatmap(torch.eye(2), ["a", "b"], title="t") for _ in range(2))
    other = figures.heatmap(torch.eye(2), ["a", "b"], title="another")
    assert figure_id(first) == figure_id(again), "the same figure must come out the same in every build"
    assert figure_id(first) != figure_id(other), "two figures on one page need different ids"


def test_head_split_draws_every_token_for_every_column_and_each_head():
    svg = figures.head_split(6, 4, 2, title="t")
    assert svg.count('class="head head-') == 6 * 4 + 2 * 6 * 2
    # Heads are counted from 0, as the code's output counts them.
    assert "head 0" in svg and "head 1" in svg and "head 2" not in svg and "(6, 2)" in svg


def test_a_plane_keeps_every_arrow_and_drops_each_key_onto_the_query_line_at_right_angles():
    """The fallback of the explorer's plane: each arrow keeps its coordinates, and each key's dotted line
    ends on the query's line, at right angles to it, where its length along the query puts it."""
    arrows = {"q": (1.0, 2.0, "query"), "a": (2.0, 0.5, "key"), "b": (-1.0, 1.0, "key")}
    svg = figures.plane(arrows, line=(1.0, 2.0), title="t")
    drawn = re.findall(r'<line class="(query|key)"[^>]*data-x="([-\d.]+)" data-y="([-\d.]+)"', svg)
    assert [(kind, float(x), float(y)) for kind, x, y in drawn] == [(k, x, y) for x, y, k in arrows.values()]
    ox, oy = (float(v) for v in re.search(r'class="axes" d="M0 ([-\d.]+)H300M([-\d.]+) 0V300"', svg).groups()[::-1])
    scale = float(re.search(r'<line class="query" x1="[-\d.]+" y1="[-\d.]+" x2="([-\d.]+)"', svg).group(1)) - ox
    drops = [[float(v) for v in d] for d in re.findall(r'class="drop" x1="([-\d.]+)" y1="([-\d.]+)" '
                                                      r'x2="([-\d.]+)" y2="([-\d.]+)"', svg)]
    assert len(drops) == 2, "one dotted line for each key"
    unit = (1 / 5**0.5, 2 / 5**0.5)
    for (x1, y1, x2, y2), (kx, ky, _) in zip(drops, [arrows["a"], arrows["b"]], strict=True):
        foot = ((x2 - ox) / scale, (oy - y2) / scale)
        along = kx * unit[0] + ky * unit[1]
        assert foot == pytest.approx((along * unit[0], along * unit[1]), abs=0.01)
        assert abs((x2 - x1) * unit[0] - (y2 - y1) * unit[1]) < 0.2, "the dotted line is not at right angles"
    assert "q (1.00, 2.00); a (2.00, 0.50); b (-1.00, 1.00)" in svg  # the description gives every arrow


def test_line_chart_draws_each_series_and_guide_and_describes_them():
    """A description lists every value of a line of a few points, and the ends of a longer one."""
    long = (list(range(10)), [9.0 - x for x in range(10)])
    svg = figures.line_chart({"a": ([0, 1, 2], [3.0, 2.0, 1234.5])}, title="t", x_label="step",
                             y_label="loss", guides={"best": 0.5})
    assert svg.count("<polyline") == 1 and 'class="guide guide-0"' in svg
    assert "a: 0 → 3, 1 → 2, 2 → 1234" in svg and "best at 0.50" in svg
    svg = figures.line_chart({"b": long}, title="t", x_label="step", y_label="loss")
    assert "b goes from 9.00 to 0.00" in svg


def test_each_dark_room_chart_draws_the_recorded_history(built_site, walkthroughs):
    """Every chart's description names the first and last recorded value of each line it draws."""
    history = walkthroughs["experiments.dark_room"].namespace["history"]
    descriptions = [svg.desc.get_text() for svg in page(built_site, "dark-room").select("svg.figure-chart")]
    for field in ("next_token_attention", "train_loss", "grad_norm", "generation_loss"):
        ends = [f"from {h[field][0]:.2f} to {h[field][-1]:.2f}" for h in history.values()]
        assert any(all(end in text for end in ends) for text in descriptions), f"no chart draws {field}"


def test_masked_weights_show_rows_that_hold_less_the_earlier_they_are_with_their_sums(built_site, walkthroughs):
    """3.5's caption: masked after softmax, the early rows hold only a fraction of the weight, and each
    row's sum is drawn at its end, the same in both editions."""
    sums = walkthroughs["chapter.causal_attention"].namespace["masked_simple"].sum(dim=-1).tolist()
    assert all(a < b for a, b in itertools.pairwise(sums)) and sums[-1] == pytest.approx(1.0)
    for name in (f"{edition}causal-attention" for edition in PREFIXES):
        svg = page(built_site, name).select("figure.diagram svg.figure-heatmap")[1]  # after the mask's own figure
        drawn = [float(text["data-value"]) for text in svg.select("text.row-sum")]
        assert drawn == pytest.approx(sums, abs=1e-4), name


def test_no_caption_reads_a_colour_as_darker_or_lighter(built_site):
    """Dark mode draws strong colours light: a caption says "the stronger the colour", not "darker"."""
    pages = [path for path in built_site.rglob("index.html") if "notebooks" not in path.parts]
    found = [(str(path.relative_to(built_site)), caption.get_text()) for path in pages
             for caption in page_soup(path).select("figcaption")
             if re.search(r"\b(dark|light)(er|est)\b", caption.get_text(), re.I)]
    assert not found, found
