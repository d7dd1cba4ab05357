"""Payment rails for tests: one that always refuses, one that breaks (outcome unknown)."""

from payables.rails import LedgerRail, TransferFailed


class DecliningRail:
    name = "declining"
    calls: list[str] = []

    def transfer(self, *, payment_id, amount, payer_business_id, payee_business_id):
        DecliningRail.calls.append(payment_id)
        raise TransferFailed("Insufficient funds in the payer's account.")


class BrokenRail:
    name = "broken"

    def transfer(self, *, payment_id, amount, payer_business_id, payee_business_id):
        raise ConnectionError("the bank did not answer")


class CountingLedgerRail(LedgerRail):
    """The ledger rail, counting calls (to prove that a repeat asks again but moves money once)."""

    calls: list[str] = []

    def transfer(self, **kwargs):
        CountingLedgerRail.calls.append(kwargs["payment_id"])
        return super().transfer(**kwargs)


class GatedRail(LedgerRail):
    """The ledger rail, holding each transfer until the test opens the gate: a payment stays
    in flight (processing, committed) for as long as the test needs."""

    entered = None  # threading.Event, set by the test
    gate = None  # threading.Event, set by the test

    def transfer(self, **kwargs):
        GatedRail.entered.set()
        assert GatedRail.gate.wait(30), "the gate was never opened"
        return super().transfer(**kwargs)
