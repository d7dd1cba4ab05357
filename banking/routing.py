"""ABA routing numbers: nine digits whose weighted sum (3, 7, 1, ...) is a multiple of 10."""

WEIGHTS = (3, 7, 1, 3, 7, 1, 3, 7, 1)


def routing_number_valid(value: str) -> bool:
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(value, WEIGHTS, strict=True)) % 10 == 0
