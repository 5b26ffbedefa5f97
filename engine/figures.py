"""Figures drawn from the same tensors the pages print, as inline SVG.

The SVG uses CSS classes and the page's colours (see docs/assets/site.css), so every figure reads
in light and dark mode. Each figure carries a text alternative: a title, and a description that
lists its values or summarises its shape. The words a figure adds itself (axis names, descriptions)
come in each edition's language: ``lang="en"``, ``"ja"`` or ``"ko"``.
"""

import functools
import hashlib
import itertools
import math
from html import escape
from types import SimpleNamespace

from engine.words import FIGURES

CELL = 46  # size of one heatmap cell, in SVG units



def in_language(lang):
    """The drawing functions, with the words they add themselves in ``lang``."""
    return SimpleNamespace(**{
        f.__name__: functools.partial(f, lang=lang) for f in (heatmap, head_split, line_chart, plane)
    })


def _svg(width, height, title, description, body, kind):
    """Wrap drawing elements in an accessible <svg>.

    Its ids come from its content: unique among a page's different figures, and the same in every
    build, so an unchanged page stays unchanged.
    """
    n = hashlib.sha256(f"{kind}{title}{description}{body}".encode()).hexdigest()[:10]
    return (
        f'<svg class="figure-{kind}" viewBox="0 0 {width:g} {height:g}" role="img" '
        f'aria-labelledby="fig{n}-title fig{n}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="fig{n}-title">{escape(title)}</title><desc id="fig{n}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def heatmap(
    matrix, row_labels, col_labels=None, *, title, decimals=2, row_axis=None, col_axis=None, row_sums=False, lang="en"
):
    """A matrix as a grid of cells whose colour is the stronger the larger the value, each cell labelled.

    The colour runs from 0 to 1 when every value lies between 0 and 1 (weights, masks), so a row that
    holds little weight looks pale; otherwise from 0 to the largest magnitude. ``row_sums`` adds each
    row's sum at its end, for figures whose point is what a row holds. Every cell keeps its exact value
    (4 decimals) in ``data-value``, so tests can compare the figure with the printed tensor.
    """
    words = FIGURES[lang]
    row_axis, col_axis = row_axis or words["query"], col_axis or words["key"]
    values = [[float(v) for v in row] for row in matrix.detach().tolist()]
    col_labels = row_labels if col_labels is None else col_labels
    flat = [v for row in values for v in row]
    top = 1.0 if all(0.0 <= v <= 1.0 for v in flat) else max(abs(v) for v in flat) or 1.0
    left, head, sums = 80, 70, CELL + 8 if row_sums else 0
    width, height = left + CELL * len(col_labels) + sums + 10, head + CELL * len(values) + 10
    parts = [
        f'<text class="axis" x="{left + CELL * len(col_labels) / 2:g}" y="14" text-anchor="middle">'
        f"{escape(col_axis)} →</text>",
        f'<text class="axis" x="12" y="{head + CELL * len(values) / 2:g}" text-anchor="middle" '
        f'transform="rotate(-90 12 {head + CELL * len(values) / 2:g})">← {escape(row_axis)}</text>',
    ]
    for j, label in enumerate(col_labels):
        x = left + CELL * j + CELL / 2
        parts.append(
            f'<text class="label" x="{x:g}" y="{head - 8}" text-anchor="start" '
            f'transform="rotate(-40 {x:g} {head - 8})">{escape(str(label))}</text>'
        )
    for i, (label, row) in enumerate(zip(row_labels, values, strict=True)):
        y = head + CELL * i
        parts.append(
            f'<text class="label" x="{left - 6}" y="{y + CELL / 2 + 4:g}" text-anchor="end">{escape(str(label))}</text>'
        )
        if row_sums:
            parts.append(
                f'<text class="row-sum" x="{left + CELL * len(col_labels) + 8}" y="{y + CELL / 2 + 4:g}" '
                f'data-value="{sum(row):.4f}">{words["sum"].format(sum=sum(row), decimals=decimals)}</text>'
            )
        for j, value in enumerate(row):
            x = left + CELL * j
            strength = min(abs(value) / top, 1.0)
            text_class = "value strong" if strength > 0.55 else "value"
            parts.append(
                f'<rect class="cell" x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" rx="3" '
                f'fill-opacity="{0.06 + 0.94 * strength:.3f}" data-value="{value:.4f}"/>'
                f'<text class="{text_class}" x="{x + CELL / 2 - 1:g}" y="{y + CELL / 2 + 4:g}" '
                f'text-anchor="middle">{value:.{decimals}f}</text>'
            )
    rows = words["separator"].join(
        f"{label}: " + ", ".join(f"{value:.{decimals}f}" for value in row)
        for label, row in zip(row_labels, values, strict=True)
    )
    if row_sums:
        rows += words["separator"] + words["sums"].format(
            sums=", ".join(f"{sum(row):.{decimals}f}" for row in values)
        )
    description = words["heatmap"].format(rows=row_axis, cols=col_axis, values=rows)
    return _svg(width, height, title, description, "".join(parts), "heatmap")


def head_split(num_tokens, d_out, num_heads, *, title, lang="en"):
    """The (num_tokens, d_out) output of a projection, cut into num_heads slices of head_dim columns."""
    words = FIGURES[lang]
    head_dim = d_out // num_heads
    cell, slot, top = 22, 150, 10
    parts = [
        '<defs><marker id="split-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>'
    ]

    def grid(x_center, columns, head_of_column, label):
        x0 = x_center - columns * cell / 2
        for t, c in itertools.product(range(num_tokens), range(columns)):
            head = head_of_column(c)
            parts.append(
                f'<rect class="head head-{head % 4}" x="{x0 + c * cell:g}" y="{top + t * cell}" '
                f'width="{cell - 2}" height="{cell - 2}" rx="2"/>'
            )
        for k, line in enumerate(label):
            parts.append(
                f'<text class="label" x="{x_center:g}" y="{top + num_tokens * cell + 18 + 16 * k}" '
                f'text-anchor="middle">{escape(line)}</text>'
            )

    grid(slot / 2, d_out, lambda c: c // head_dim, [words["projection"], f"({num_tokens}, {d_out})"])
    middle = top + num_tokens * cell / 2
    parts.append(f'<path class="arrow" d="M{slot - 5} {middle:g} h50" marker-end="url(#split-arrow)"/>')
    parts.append(
        f'<text class="label" x="{slot + 20}" y="{middle - 10:g}" text-anchor="middle">{words["split"]}</text>'
    )
    for head in range(num_heads):
        x_center = slot + 60 + slot * head + slot / 2
        label = [words["head"].format(k=head), f"({num_tokens}, {head_dim})"]  # counted from 0, as in the code
        grid(x_center, head_dim, lambda c, head=head: head, label)
    description = words["head_split"].format(tokens=num_tokens, d_out=d_out, heads=num_heads, head_dim=head_dim)
    width = slot + 60 + slot * num_heads
    return _svg(width, top + num_tokens * cell + 50, title, description, "".join(parts), "split")


def line_chart(series, *, title, x_label, y_label, guides=None, y_max=None, log=False, lang="en"):
    """Lines over a shared x axis. ``series``: name -> (xs, ys); ``guides``: name -> constant y.
    With ``log``, both axes are logarithmic, ticked at each x of the data and at each power of ten of y:
    a time that grows like T or T**2 is then a straight line, twice as steep for T**2."""
    guides = guides or {}
    # The legend, right of the plot: a sample of each line, then its name (about 7 units a character).
    right = max(150, 34 + 7 * max(len(name) for name in [*series, *guides]))
    width, height, left, top, bottom = 490 + right, 320, 56, 16, 44
    xs = [x for xs_, _ in series.values() for x in xs_]
    ys = [y for _, ys_ in series.values() for y in ys_] + list(guides.values())
    scale = math.log10 if log else float
    x_min, x_max = min(xs), max(xs)
    if log:
        y_min, y_top = 10 ** math.floor(math.log10(min(ys))), 10 ** math.ceil(math.log10(max(ys)))
    else:
        y_min, y_top = 0.0, y_max if y_max is not None else max(ys) * 1.08

    def px(x):
        return left + (scale(x) - scale(x_min)) / ((scale(x_max) - scale(x_min)) or 1) * (width - left - right)

    def py(y):
        spread = (scale(y_top) - scale(y_min)) or 1
        return top + (1 - (scale(min(y, y_top)) - scale(y_min)) / spread) * (height - top - bottom)

    if log:
        y_ticks = [10.0**k for k in range(round(math.log10(y_min)), round(math.log10(y_top)) + 1)]
        x_ticks = sorted(set(xs))
    else:
        step = _nice_step(y_top - y_min)
        y_ticks = [k * step for k in range(int(y_top / step) + 1)]
        x_ticks = [x_min, (x_min + x_max) / 2, x_max]
    parts = [
        f'<line class="frame" x1="{left}" y1="{py(y_min):.1f}" x2="{width - right}" y2="{py(y_min):.1f}"/>',
        f'<line class="frame" x1="{left}" y1="{top}" x2="{left}" y2="{py(y_min):.1f}"/>',
    ]
    for tick in y_ticks:
        y = py(tick)
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
    for x in x_ticks:
        parts.append(
            f'<text class="tick" x="{px(x):.1f}" y="{height - bottom + 16}" text-anchor="middle">{x:g}</text>'
        )
    parts.append(
        f'<text class="axis" x="{(left + width - right) / 2:g}" y="{height - 6}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
        f'<text class="axis" x="14" y="{(top + height - bottom) / 2:g}" text-anchor="middle" '
        f'transform="rotate(-90 14 {(top + height - bottom) / 2:g})">{escape(y_label)}</text>'
    )
    for k, (name, y) in enumerate(guides.items()):
        parts.append(
            f'<line class="guide guide-{k}" x1="{left}" y1="{py(y):.1f}" x2="{width - right}" y2="{py(y):.1f}"/>'
            f'<text class="legend" x="{width - right + 6}" y="{py(y) + 4:.1f}">{escape(name)}</text>'
        )
    label_y = _apart({name: py(ys_[-1]) + 4 for name, (_, ys_) in series.items()}, gap=13)
    for k, (name, (xs_, ys_)) in enumerate(series.items()):
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs_, ys_, strict=True))
        values = " ".join(f"{x:g}:{y:.6g}" for x, y in zip(xs_, ys_, strict=True))
        parts.append(f'<polyline class="series series-{k}" points="{points}" data-values="{values}"/>')
        parts.append(
            f'<line class="series series-{k}" x1="{width - right + 6}" y1="{label_y[name] - 4:.1f}" '
            f'x2="{width - right + 26}" y2="{label_y[name] - 4:.1f}"/>'
            f'<text class="legend series-label-{k}" x="{width - right + 32}" y="{label_y[name]:.1f}">'
            f"{escape(name)}</text>"
        )
    words = FIGURES[lang]
    if all(len(xs_) <= 8 for xs_, _ in series.values()):  # few points: the description lists every one
        summary = words["separator"].join(
            words["points"].format(name=name, values=", ".join(
                f"{x:g} → {_readable(y)}" for x, y in zip(xs_, ys_, strict=True)))
            for name, (xs_, ys_) in series.items()
        )
    else:
        summary = words["separator"].join(
            words["goes"].format(name=name, start=ys_[0], end=ys_[-1]) for name, (_, ys_) in series.items()
        )
    lines = words["separator"].join(words["guide"].format(name=name, y=y) for name, y in guides.items())
    description = words["chart"].format(y_label=y_label, x_label=x_label, summary=summary) + (
        words["guides"].format(lines=lines) if lines else ""
    )
    return _svg(width, height, title, description, "".join(parts), "chart")


def plane(arrows, *, title, line=None, lang="en"):
    """Arrows from the origin of a plane, one scale on both axes, each labelled at its tip.

    ``arrows``: label -> (x, y, kind), where kind ("query", "key", "value", "context") sets its colour,
    as in the explorer's own plane. ``line``: a direction, drawn dashed through the origin, with a
    dotted perpendicular from the tip of every key onto it: the foot marks the key's length along it.
    Every arrow keeps its exact coordinates in ``data-x`` and ``data-y``.
    """
    size, pad = 300, 36
    points = {label: (float(x), float(y), kind) for label, (x, y, kind) in arrows.items()}
    unit = None
    if line is not None:
        lx, ly = (float(v) for v in line)
        unit = (lx / math.hypot(lx, ly), ly / math.hypot(lx, ly))
    along = {label: x * unit[0] + y * unit[1] for label, (x, y, kind) in points.items() if unit and kind == "key"}
    feet = {label: (a * unit[0], a * unit[1]) for label, a in along.items()}
    xs = [0.0] + [p[0] for p in points.values()] + [f[0] for f in feet.values()]
    ys = [0.0] + [p[1] for p in points.values()] + [f[1] for f in feet.values()]
    scale = (size - 2 * pad) / (max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0)
    ox = size / 2 - scale * (min(xs) + max(xs)) / 2
    oy = size / 2 + scale * (min(ys) + max(ys)) / 2

    def at(x, y):
        return ox + scale * x, oy - scale * y

    parts = [f'<path class="axes" d="M0 {oy:.1f}H{size}M{ox:.1f} 0V{size}"/>']
    if unit:  # the line through the origin, from edge to edge of the figure
        px, py = unit[0], -unit[1]
        cuts = [sorted(((0 - o) / d, (size - o) / d)) for o, d in ((ox, px), (oy, py)) if d]
        low, high = max(c[0] for c in cuts), min(c[1] for c in cuts)
        parts.append(
            f'<line class="line" x1="{ox + low * px:.1f}" y1="{oy + low * py:.1f}" '
            f'x2="{ox + high * px:.1f}" y2="{oy + high * py:.1f}"/>'
        )
    for label, (fx, fy) in feet.items():
        (x1, y1), (x2, y2) = at(*points[label][:2]), at(fx, fy)
        parts.append(f'<line class="drop" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
    labelled = _apart({label: at(x, y)[1] - 6 for label, (x, y, _) in points.items()}, gap=12)
    for label, (x, y, kind) in points.items():
        tx, ty = at(x, y)
        parts.append(
            f'<line class="{kind}" x1="{ox:.1f}" y1="{oy:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" '
            f'data-x="{x:.6g}" data-y="{y:.6g}"/>'
            f'<text class="label" x="{min(tx + 7, size - 52):.1f}" y="{labelled[label]:.1f}">{escape(label)}</text>'
        )
    words = FIGURES[lang]
    listed = words["separator"].join(f"{label} ({x:.2f}, {y:.2f})" for label, (x, y, _) in points.items())
    description = words["plane"].format(arrows=listed)
    return _svg(size, size, title, description, "".join(parts), "plane")


def _readable(value):
    """A value for a description: three significant digits, without an exponent."""
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _apart(positions, gap):
    """Label heights, moved apart where labels would overlap: name -> y, at least ``gap`` between."""
    placed, last = {}, -math.inf
    for name, y in sorted(positions.items(), key=lambda item: item[1]):
        placed[name] = last = max(y, last + gap)
    return placed


def _nice_step(span):
    """A round tick spacing giving about five ticks over ``span``."""
    raw = span / 5 or 1
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
