"""What a business name may hold. It is shown to other companies and sent in e-mails from the
platform's address (invitations), so it must not carry a link: no URL, no ``www.``, nothing
that reads as a domain or an e-mail address, and no invisible or direction-changing characters.
"""

import re
import unicodedata

from rest_framework import serializers

# Read after NFKC and case folding, so full-width and styled letters are caught as well.
_LINKY = re.compile(
    r"(https?|ftp|file|mailto|javascript|data)\s*:"  # a scheme
    r"|://|www\s*\.|\bhttps?\b"  # the usual starts of a link
    # example.com, example[.]com (a dot then a space is prose: "St. Louis")
    r"|[a-z0-9-](\.|\[\.\]|\(\.\)|\u3002|\uff0e|\uff61)[a-z]{2,24}(?![a-z])"
    r"|@",
)
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}


def business_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a business's name, or None."""
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in name):
        return "A business name cannot hold control or invisible characters."
    text = unicodedata.normalize("NFKC", name).casefold()
    if _LINKY.search(text):
        return (
            "A business name cannot hold a web address, a domain or an e-mail address "
            "(write Acme Inc., not acme.com)."
        )
    return None


def validate_business_name(value: str) -> str:
    problem = business_name_problem(value)
    if problem:
        raise serializers.ValidationError(problem)
    return value
