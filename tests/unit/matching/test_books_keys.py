"""The keys the books index open items by, against their plain definitions (hypothesis)."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bankbridge.matching.books import digit_key, number_digits


def plain_number_digits(invoice_number: str) -> str:
    """The rule as first written: no key for a number with any letter, else its digits."""
    return "" if any(c.isalpha() for c in invoice_number) else digit_key(invoice_number)


@given(st.text())
@example("2026-0012")
@example("00012")
@example("CR20260001")
@example("²12")  # a digit that is not a decimal digit
@example("١٢٣")  # Arabic-Indic digits
@example("ß-12")
def test_number_digits_is_the_plain_rule(invoice_number: str) -> None:
    assert number_digits(invoice_number) == plain_number_digits(invoice_number)


@given(st.text(alphabet="0123456789-/. ", max_size=20))
def test_a_number_without_letters_is_found_by_its_digits(invoice_number: str) -> None:
    assert number_digits(invoice_number) == "".join(c for c in invoice_number if c.isdigit()).lstrip("0")
