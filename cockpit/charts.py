"""Bar charts drawn by the server as SVG: the geometry here, the drawing in
``templates/cockpit/_chart.html``. Every bar may link to the list of the payables in it."""

from decimal import ROUND_HALF_UP, Decimal

from cleopay.core.formats import format_money

ZERO = Decimal("0.00")


def _px(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round top for the axis: 1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return Decimal(100)
    exponent = value.adjusted()
    base = Decimal(10) ** exponent
    for step in (1, 2, Decimal("2.5"), 5, 10):
        top = base * step
        if top >= value:
            return top
    return base * 10


def bar_chart(*, groups: list[tuple[str, list[tuple]]], title: str) -> dict:
    """Geometry of a (stacked) bar chart, for the template to draw.

    ``groups``: ``[(label, [(series css class, amount, series name, link or None), ...]), ...]``:
    each bar links to the list of what it counts. Pixel positions are computed from the amounts
    with Decimal and rounded to whole pixels.
    """
    width, height = 720, 280
    left, right, top, bottom = 72, 12, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_ceiling(
        max((sum(part[1] for part in series) for _l, series in groups), default=ZERO)
    )
    slot = Decimal(plot_w) / Decimal(max(len(groups), 1))
    bar_w = _px(slot * Decimal("0.6"))
    bars, labels = [], []
    for index, (label, series) in enumerate(groups):
        x = _px(Decimal(left) + slot * index + (slot - bar_w) / 2)
        y_base = Decimal(top + plot_h)
        for css, amount, name, href in series:
            if amount <= 0:
                continue
            h = Decimal(plot_h) * amount / top_value
            y_base -= h
            bars.append(
                {"x": x, "y": _px(y_base), "w": bar_w, "h": max(1, _px(h)), "css": css,
                 "title": f"{label}, {name}: {format_money(amount)}", "href": href}
            )  # fmt: skip
        total = sum((part[1] for part in series), ZERO)
        labels.append(
            {"x": x + bar_w // 2, "label": label, "total": total,
             "total_y": _px(Decimal(top + plot_h) - Decimal(plot_h) * total / top_value) - 4}
        )  # fmt: skip
    ticks = [
        {"y": _px(Decimal(top + plot_h) - Decimal(plot_h) * Decimal(i) / 4), "value": top_value * Decimal(i) / 4}
        for i in range(5)
    ]  # fmt: skip
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "baseline": top + plot_h,
        "label_y": top + plot_h + 18,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "title": title,
    }
