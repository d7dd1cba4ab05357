"""Invoice numbers compared as a person reads them (docs/trust.md).

Two numbers are the same invoice when their keys are equal: Unicode NFKC (full-width digits,
ligatures, compatibility forms), case folding, no whitespace and no format characters, and the
Cyrillic and Greek letters that look exactly like a Latin letter or a digit folded to it. A
number holding a control or format character (tab, zero-width space, right-to-left override,
byte-order mark...) is refused outright: nobody types one on purpose.

The fold of lookalike letters is written here rather than taken from a library: Unicode's full
confusables table (TR39 skeletons) has thousands of entries and PyPI offers it either to detect
mixed scripts only (confusable-homoglyphs) or unmaintained (confusables, 2021); invoice numbers
are Latin letters, digits and punctuation, and the letters that pass for those are the Cyrillic
and Greek ones below. NFKC already folds full-width and mathematical forms, and the hyphen-like
dashes are folded to "-" here as well (a non-breaking hyphen is not a hyphen to NFKC).
"""

import re
import unicodedata

# Cyrillic and Greek letters that render like a Latin letter or digit (after case folding).
_LOOKALIKES = {
    # Cyrillic (small letters: case folding comes first), and Armenian vo
    "\u0430": "a", "\u0432": "b", "\u0435": "e", "\u0455": "s", "\u0456": "i", "\u0458": "j",
    "\u043a": "k", "\u043c": "m", "\u043d": "h", "\u043e": "o", "\u0440": "p", "\u0441": "c",
    "\u0442": "t", "\u0443": "y", "\u0445": "x", "\u0501": "d", "\u051b": "q", "\u051d": "w",
    "\u04cf": "i", "\u04bb": "h", "\u0578": "n", "\u0475": "v", "\u0437": "3", "\u044c": "b",
    # Greek
    "\u03b1": "a", "\u03b2": "b", "\u03b5": "e", "\u03b7": "n", "\u03b9": "i", "\u03ba": "k",
    "\u03bd": "v", "\u03bf": "o", "\u03c1": "p", "\u03c4": "t", "\u03c5": "u", "\u03c7": "x",
    "\u03b6": "z", "\u03bc": "u",
}  # fmt: skip
# Dashes and minus signs that read as the ASCII hyphen.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad"
_FOLD = str.maketrans({**_LOOKALIKES, **dict.fromkeys(_DASHES, "-")})

# Control (Cc), format (Cf), surrogate (Cs) and private-use (Co) characters.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}


def invoice_number_problem(number: str) -> str | None:
    """Why ``number`` is refused, or None."""
    for char in number:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            return (
                f"Invoice numbers cannot hold control or invisible characters "
                f"(U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})."
            )
    if not invoice_number_key(number):
        return "An invoice number needs at least one visible character."
    return None


def invoice_number_key(number: str) -> str:
    """The key two numbers share when a person would take them for the same invoice."""
    text = unicodedata.normalize("NFKC", number).casefold()
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return "".join(
        char
        for char in text
        if not char.isspace() and unicodedata.category(char) not in ("Cf", "Zs", "Zl", "Zp")
    )


_DIGIT_RUN = re.compile(r"\d+")


def duplicate_number_key(number: str) -> str:
    """The key of a possible duplicate (a looser match than ``invoice_number_key``, which
    refuses a number outright): only the letters and digits of that key, each run of digits
    without its leading zeros, and no zero in front. ``INV-0042``, ``inv 42`` and ``INV/042``
    share ``inv42``, ``00017`` and ``17`` share ``17``; ``0`` stays ``0``."""
    kept = "".join(char for char in invoice_number_key(number) if char.isalnum())
    key = _DIGIT_RUN.sub(lambda run: run.group().lstrip("0") or "0", kept)
    return key.lstrip("0") or key
