"""Dataset sizes. A scale is named by its payables; businesses and connections shrink with it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    businesses: int
    connections: int
    payables: int
    # The deep-page offset: 10,000 at a million payables, 1% of the payables below that.
    deep_offset: int


SCALES = {
    "tiny": Scale("tiny", businesses=12, connections=40, payables=400, deep_offset=20),
    "10k": Scale("10k", businesses=100, connections=500, payables=10_000, deep_offset=100),
    "100k": Scale("100k", businesses=300, connections=3_000, payables=100_000, deep_offset=1_000),
    "1m": Scale("1m", businesses=1_000, connections=10_000, payables=1_000_000, deep_offset=10_000),
}

# Item 7 of the benchmark: the inbox at each of these (up to the scale asked for).
SCALING_STEPS = ["10k", "100k", "1m"]


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name.lower()]
    except KeyError:
        raise SystemExit(f"unknown scale {name!r}: use one of {', '.join(SCALES)}") from None
