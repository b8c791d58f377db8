"""R-D5 / R-C4: invoice numbers in the description, within the range, find the relation."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from matching_world import IBAN_10001, UNKNOWN_IBAN, admin, books, item, line, one

from bankbridge.ledger.model import Administration, OpenItem, Settlement
from bankbridge.matching import Books
from bankbridge.matching.books import LazyIndex
from bankbridge.matching.text import in_range, invoice_words


def test_range_is_plain_string_comparison() -> None:
    assert in_range("INK5", "INK1", "INK9999999")
    assert in_range("INKa7x", "INK1", "INKzzzzzzzz")
    assert not in_range("FAC5", "INK1", "INK9999999")
    assert invoice_words("Fact INK12, INK13; zie ook XYZ", "INK1", "INK9999999") == ("INK12", "INK13")
    assert invoice_words("INK12", None, None) == ()


def test_third_party_paid_from_an_unknown_iban() -> None:
    d = one(
        line("80.00", counterparty_iban=UNKNOWN_IBAN, description="voor factuur 20260007"),
        books((item("20260007", "10002", "80.00"),)),
    )
    assert (d.status, d.rule, d.score) == ("booked", "invoice_number", 95)
    assert d.evidence == (
        "invoice 20260007 of debtor 10002 named in the description (paid from an unknown IBAN); amount equal"
    )


def test_invoice_number_with_a_slash_after_a_label() -> None:
    w = books(
        (item("2026/0012", "10002", "80.00"), item("2026/0013", "10002", "80.00")),
        admin=admin(invoice_range_from="2026/0001", invoice_range_to="2026/9999"),
    )
    d = one(line("80.00", counterparty_iban=UNKNOWN_IBAN, description="INV:2026/0012"), w)
    assert (d.status, d.rule, d.settlements) == (
        "booked",
        "invoice_number",
        (Settlement("2026/0012", "10002", D("80.00")),),
    )


def test_invoice_number_glued_to_an_abbreviation() -> None:
    w = books((item("20260007", "10002", "80.00"), item("20260008", "10002", "80.00")))
    d = one(line("80.00", counterparty_iban=UNKNOWN_IBAN, description="betaling fact.20260007"), w)
    assert (d.status, d.rule, d.settlements) == (
        "booked",
        "invoice_number",
        (Settlement("20260007", "10002", D("80.00")),),
    )


def test_without_a_range_the_step_does_not_run() -> None:
    w = books((item("20260007", "10002", "80.00"),), admin=admin(invoice_range_from=None, invoice_range_to=None))
    assert one(line("80.00", counterparty_iban=UNKNOWN_IBAN, description="factuur 20260007"), w).status == "open"


def test_combined_payment_of_invoices_named_in_the_text() -> None:
    w = books(
        (item("20260001", "10002", "100.00"), item("20260002", "10002", "50.00"), item("20260003", "10002", "-30.00"))
    )
    d = one(line("120.00", description="facturen 20260001 20260002 creditnota 20260003"), w)
    assert d.status == "booked"
    assert d.settlements == (
        Settlement("20260001", "10002", D("100.00")),
        Settlement("20260002", "10002", D("50.00")),
        Settlement("20260003", "10002", D("-30.00")),
    )
    assert "credit note netted" in d.evidence


def test_two_invoice_numbers_joined_by_a_hyphen_are_both_named() -> None:
    w = books((item("20260001", "10002", "100.00"), item("20260002", "10002", "50.00")))
    d = one(line("150.00", description="facturen 20260001-20260002"), w)
    assert d.status == "booked"
    assert [s.invoice_number for s in d.settlements] == ["20260001", "20260002"]


def test_invoices_of_two_relations_are_not_booked() -> None:
    w = books((item("20260001", "10002", "100.00"), item("20260002", "10001", "50.00")))
    d = one(line("150.00", description="facturen 20260001 en 20260002"), w)
    assert d.status == "proposed"
    assert "belong to debtor 10002 and debtor 10001" in d.evidence


def _with_a2(**build: Any) -> Books:
    """The books of A1 (open item 20260001 of debtor 10002) in an environment that also
    holds administration A2; ``build`` says what is known of A2's items."""
    base = books((item("20260001", "10002", "100.00"),))
    return Books.build(
        administrations=(*base.administrations.values(), Administration(code="A2", environment="E1")),
        journals=tuple(base.journals.values()),
        relations=tuple(base.relations.values()),
        **{"open_items": tuple(base.items.values()), **build},
    )


def test_invoice_of_another_administration_is_not_booked() -> None:
    w = _with_a2(open_items=(OpenItem("A2", "20260042", "10002", D("100.00"), "EUR"),))
    d = one(line("100.00", description="factuur 20260042"), w)
    assert d.status == "open"
    assert "is of administration A2" in d.evidence


def test_invoice_of_a_neighbour_administration_is_named_without_its_open_item() -> None:
    """Processing loads only the (administration, number) of other administrations' items."""
    w = _with_a2(neighbour_invoices=(("A2", "20260042"),))
    d = one(line("100.00", description="factuur 20260042"), w)
    assert d.status == "open"
    assert "invoice 20260042 in the description is of administration A2" in d.evidence


def test_neighbour_invoices_are_read_only_when_a_line_asks() -> None:
    """Given as a function, the other administrations' invoice numbers are read on first
    use: a run whose lines never name one does not read them (a day's statement against
    an environment of a million open items)."""
    reads: list[int] = []

    def read() -> list[tuple[str, str]]:
        reads.append(1)
        return [("A2", "20260042")]

    w = _with_a2(neighbour_invoices=read)
    assert isinstance(w.items_in_environment, LazyIndex)
    assert one(line("100.00", description="factuur 20260001"), w).status == "booked"
    assert (reads, w.items_in_environment.made) == ([], False)
    d = one(line("100.00", description="factuur 20260042"), w)
    assert "invoice 20260042 in the description is of administration A2" in d.evidence
    one(line("100.00", description="factuur 20260043"), w)
    assert reads == [1]  # read once, then kept
    assert len(w.items_in_environment) == 2 and ("E1", "20260042") in w.items_in_environment


def test_an_environment_index_made_before_is_used_as_is() -> None:
    """Batch registration reuses the environment's index from one file to the next."""
    first = _with_a2(neighbour_invoices=(("A2", "20260042"),))
    w = _with_a2(environment_index=first.items_in_environment)
    assert w.items_in_environment is first.items_in_environment
    d = one(line("100.00", description="factuur 20260042"), w)
    assert "invoice 20260042 in the description is of administration A2" in d.evidence


def test_paid_invoice_in_the_text_is_not_booked_elsewhere() -> None:
    d = one(
        line("100.00", counterparty_iban=IBAN_10001, description="factuur 20260009"),
        books((item("20260009", "10001", "0.00"), item("20260010", "10001", "100.00"))),
    )
    assert d.status == "open"
    assert "invoice 20260009 is already paid" in d.evidence
