"""Lookalike invoice numbers are the same invoice (docs/trust.md): NFKC, case folding, no
whitespace or format characters, Cyrillic and Greek lookalikes folded; control and format
characters refused with a 400 naming invoiceNumber."""

import pytest

from payables.models import Payable
from tests.payables.test_create import body, errors, post
from tests.reliability.report import figure

pytestmark = pytest.mark.django_db

ORIGINAL = "INV-2024-A7"

# Each is the original to a person reading it.
LOOKALIKES = {
    "lower case": "inv-2024-a7",
    "full-width": "\uff29\uff2e\uff36\uff0d\uff12\uff10\uff12\uff14\uff0d\uff21\uff17",
    "Cyrillic A": "INV-2024-\u04107",
    "Cyrillic I and small a": "\u0406NV-2024-\u04307",
    "Greek capital alpha": "INV-2024-\u03917",
    "non-breaking hyphen": "INV\u20112024\u2011A7",
    "en dash": "INV\u20132024\u2013A7",
    "minus sign": "INV\u22122024\u2212A7",
    "spaces": " INV - 2024 - A7 ",
    "no-break space": "INV-2024-\u00a0A7",
    "mathematical bold": "\U0001d408\U0001d40d\U0001d415-2024-\U0001d400\U0001d7d5",
}

# Never typed on purpose: refused outright.
REFUSED = {
    "zero-width space": "INV-2024\u200b-A7",
    "right-to-left override": "\u202eINV-2024-A7",
    "tab": "INV-2024\t-A7",
    "newline": "INV-2024\n-A7",
    "byte-order mark": "\ufeffINV-2024-A7",
    "zero-width joiner": "INV-20\u200d24-A7",
    "soft hyphen": "INV\u00ad2024-A7",
}


@pytest.mark.parametrize("name", sorted(LOOKALIKES))
def test_a_lookalike_of_a_number_on_the_connection_is_a_409(parties, name):
    assert post(parties, body(parties, invoiceNumber=ORIGINAL)).status_code == 201

    response = post(parties, body(parties, invoiceNumber=LOOKALIKES[name]))

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "duplicate"
    assert Payable.objects.count() == 1


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_control_and_format_characters_are_a_400_naming_invoice_number(parties, name):
    response = post(parties, body(parties, invoiceNumber=REFUSED[name]))

    assert response.status_code == 400, response.content
    assert "invoiceNumber" in errors(response)
    assert not Payable.objects.exists()


def test_an_edit_to_a_lookalike_is_a_409_too(parties):
    post(parties, body(parties, invoiceNumber=ORIGINAL))
    other = post(parties, body(parties, invoiceNumber="INV-OTHER")).json()

    response = parties.client(parties.payee_owner).patch(
        f"/api/payables/{other['id']}", {"invoiceNumber": LOOKALIKES["Cyrillic A"]}, format="json"
    )

    assert response.status_code == 409
    assert Payable.objects.get(pk=other["id"]).invoice_number == "INV-OTHER"


def test_distinct_numbers_stay_distinct(parties):
    for number in ("INV-1", "INV-10", "INV-1A", "INV-I", "INV-0"):
        assert post(parties, body(parties, invoiceNumber=number)).status_code == 201
    figure("lookalike-invoice-numbers", lookalikes=len(LOOKALIKES), refused=len(REFUSED))
