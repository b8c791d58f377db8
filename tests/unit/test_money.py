"""Money rules: minor units, SWIFT comma decimals, exact formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bankbridge.errors import InputError
from bankbridge.money import format_amount, from_minor, parse_decimal, to_minor


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (Decimal("12.34"), "EUR", 1234),
        (Decimal("-0.01"), "EUR", -1),
        (Decimal("5"), "JPY", 5),
        (Decimal("1.234"), "KWD", 1234),
    ],
)
def test_minor_units(amount: Decimal, currency: str, minor: int) -> None:
    assert to_minor(amount, currency) == minor
    assert from_minor(minor, currency) == amount


def test_too_fine_an_amount_is_refused() -> None:
    with pytest.raises(InputError, match="more decimals than EUR allows"):
        to_minor(Decimal("0.001"), "EUR")


@pytest.mark.parametrize(("text", "value"), [("393,91", "393.91"), ("0,", "0"), (",5", "0.5"), ("1000,00", "1000.00")])
def test_swift_comma_decimals(text: str, value: str) -> None:
    assert parse_decimal(text, comma=True) == Decimal(value)


@pytest.mark.parametrize("text", ["1.000,00", "", "abc", "1,2,3", "--1"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(InputError):
        parse_decimal(text, comma=True)


@given(st.integers(-(10**15), 10**15))
def test_minor_round_trip(minor: int) -> None:
    amount = from_minor(minor, "EUR")
    assert to_minor(amount, "EUR") == minor
    assert Decimal(format_amount(amount)) == amount
    assert "E" not in format_amount(amount)


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=-(10**12), max_value=10**12),
    st.sampled_from(["EUR", "eur", "JPY", "KWD", "CLF", "USD"]),
)
def test_minor_units_of_any_amount(amount: Decimal, currency: str) -> None:
    """The fast conversion agrees with the definition: the amount times 10^exponent when
    that is a whole number, else a clear refusal (never a rounded or cut-off amount)."""
    exp = {"JPY": 0, "KWD": 3, "CLF": 4}.get(currency.upper(), 2)
    scaled = amount * Decimal(10) ** exp
    if scaled == scaled.to_integral_value():
        assert to_minor(amount, currency) == int(scaled)
    else:
        with pytest.raises(InputError, match=f"more decimals than {currency} allows"):
            to_minor(amount, currency)


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_not_a_number_is_refused(amount: str) -> None:
    with pytest.raises(InputError, match="is not a number"):
        to_minor(Decimal(amount), "EUR")
