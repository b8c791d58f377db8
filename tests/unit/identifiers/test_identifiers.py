"""Check digits of IBAN, BSN and payment references (standards.md §4), with the brief's
test vectors and hypothesis properties: a valid number stays valid, one changed digit
makes it invalid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schwifty import IBAN, registry
from schwifty.exceptions import SchwiftyException

from bankbridge.errors import InvalidIdentifier
from bankbridge.identifiers import bsn, iban, references


@pytest.mark.parametrize("value", ["NL91ABNA0417164300", "nl44 rabo 0123 4567 89", "BE68539007547034"])
def test_valid_ibans(value: str) -> None:
    assert iban.is_valid(value)
    assert iban.validate(value) == iban.compact(value)


@pytest.mark.parametrize("value", ["NL91ABNA0417164301", "NL91ABNA041716430", "XX00", ""])
def test_invalid_ibans(value: str) -> None:
    assert not iban.is_valid(value)
    with pytest.raises(InvalidIdentifier, match="is not a valid IBAN"):
        iban.validate(value)


def test_iban_format_groups_of_four() -> None:
    assert iban.format("NL91ABNA0417164300") == "NL91 ABNA 0417 1643 00"


@pytest.mark.parametrize("value", ["111222333", "123456782", "12345672"])
def test_bsn_vectors(value: str) -> None:
    assert bsn.is_valid(value)
    assert len(bsn.validate(value)) == 9


@pytest.mark.parametrize(
    ("value", "kind", "payload"),
    [
        ("5000056789012345", "nl", "000056789012345"),
        ("701234567890", "nl", "1234567890"),
        ("1234567", "nl", "1234567"),
        ("RF18539007547034", "rf", "539007547034"),
        ("RF18 5390 0754 7034", "rf", "539007547034"),
        ("+++010/8068/17183+++", "ogm", "0108068171"),
    ],
)
def test_reference_vectors(value: str, kind: str, payload: str) -> None:
    ref = references.parse(value)
    assert (ref.kind, ref.payload) == (kind, payload)


@pytest.mark.parametrize(
    "value", ["5000056789012346", "711234567890", "RF19539007547034", "+++010/8068/17184+++", "12345"]
)
def test_invalid_references(value: str) -> None:
    assert not references.is_valid(value)


@pytest.mark.parametrize("payload", ["11234567890", "51234567", "912345678901"])
def test_a_wrong_length_code_is_refused_even_with_a_right_check_digit(payload: str) -> None:
    value = f"{references.nl_check_digit(payload)}{payload}"
    assert references.recognise(value) is None
    with pytest.raises(InvalidIdentifier, match="length code"):
        references.validate_nl(value)


def test_invoice_number_is_cut_from_the_payload() -> None:
    ref = references.parse("5000056789012345")
    assert references.invoice_number(ref, start=8, length=8) == "89012345"
    assert references.invoice_number(ref, start=14, length=8) is None
    assert references.invoice_number(ref, start=None, length=None) is None


@given(st.text(alphabet="0123456789", min_size=15, max_size=15))
def test_generated_16_digit_references_are_valid(payload: str) -> None:
    ref = f"{references.nl_check_digit(payload)}{payload}"
    assert references.validate_nl(ref).payload == payload


@given(st.text(alphabet="0123456789", min_size=15, max_size=15), st.integers(0, 15), st.integers(1, 9))
def test_one_changed_digit_breaks_a_16_digit_reference(payload: str, pos: int, delta: int) -> None:
    ref = f"{references.nl_check_digit(payload)}{payload}"
    changed = ref[:pos] + str((int(ref[pos]) + delta) % 10) + ref[pos + 1 :]
    # The scheme folds remainders 10 and 1 onto check digit 1, so only there can a
    # single changed digit go unnoticed; every other check digit catches it.
    assert not references.is_valid(changed) or ref[0] == "1"


@given(st.integers(10_000_000, 999_999_999))
def test_bsn_single_digit_change_is_caught(number: int) -> None:
    text = f"{number:09d}"
    if not bsn.is_valid(text):
        return
    for pos in range(9):
        for digit in "0123456789":
            if digit != text[pos]:
                assert not bsn.is_valid(text[:pos] + digit + text[pos + 1 :])


@given(st.text(alphabet="0123456789", min_size=1, max_size=80))
def test_dutch_check_digit_follows_its_definition(digits: str) -> None:
    """Weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 from the right, repeating; 11 minus the sum
    mod 11, where 10 gives 1 and 11 gives 0."""
    weights = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
    total = sum(int(d) * weights[i % 10] for i, d in enumerate(reversed(digits)))
    check = 11 - total % 11
    assert references.nl_check_digit(digits) == {10: 1, 11: 0}.get(check, check)


@pytest.mark.parametrize("digits", ["", "12a4", "١٢٣", "12 3"])
def test_dutch_check_digit_takes_ascii_digits_only(digits: str) -> None:
    with pytest.raises(ValueError, match="not a string of digits"):
        references.nl_check_digit(digits)


_REFERENCE_TEXT = st.one_of(
    st.text(alphabet="0123456789 .-", max_size=24),
    st.text(alphabet="0123456789+/*RFrf ", max_size=24),
    st.text(max_size=24),
    st.builds(lambda p: f"{references.nl_check_digit(p)}{p}", st.text(alphabet="0123456789", min_size=15, max_size=15)),
    st.builds(
        lambda p: f"{references.nl_check_digit(str(len(p) % 10) + p)}{len(p) % 10}{p}",
        st.text(alphabet="0123456789", min_size=7, max_size=12),
    ),
    st.sampled_from(["RF18539007547034", "RF18 5390 0754 7034", "+++010/8068/17183+++", "010806817183", "1234567"]),
)


@given(_REFERENCE_TEXT)
def test_recognise_is_parse_without_the_error(value: str) -> None:
    """``recognise`` (matching tries every number in a description) gives what ``parse``
    gives, and ``None`` exactly where ``parse`` raises."""
    try:
        expected = references.parse(value)
    except InvalidIdentifier:
        expected = None
    assert references.recognise(value) == expected
    assert references.is_valid(value) is (expected is not None)


def _schwifty_says(value: str) -> bool | None:
    """schwifty's own verdict on ``value`` (``None``: it raised something else)."""
    try:
        IBAN(iban.compact(value))
    except SchwiftyException:
        return False
    except Exception:  # e.g. a KeyError for a digit of another script
        return None
    return True


_COUNTRIES = ["NL", "BE", "DE", "FR", "GB", "LU", "MT", "NO", "XK", "ZZ", "nl"]


@st.composite
def _iban_like(draw: st.DrawFn) -> str:
    """Valid IBANs made by schwifty, and each of them damaged in one place or another."""
    country = draw(st.sampled_from(_COUNTRIES[:-2]))
    spec = registry.get_iban_spec(country)
    bban = draw(st.from_regex(spec.regex.pattern.replace(r"\d", "[0-9]"), fullmatch=True))
    text = str(IBAN.from_bban(country, bban))
    how = draw(st.sampled_from(["as is", "char", "drop", "add", "country", "check", "spaces", "lower"]))
    at = draw(st.integers(0, len(text) - 1))
    if how == "char":
        text = text[:at] + draw(st.sampled_from("0123456789ABCXYZ-é٣")) + text[at + 1 :]
    elif how == "drop":
        text = text[:at] + text[at + 1 :]
    elif how == "add":
        text = text[:at] + draw(st.sampled_from("07AZ")) + text[at:]
    elif how == "country":
        text = draw(st.sampled_from(_COUNTRIES)) + text[2:]
    elif how == "check":
        text = text[:2] + draw(st.sampled_from(["00", "01", "99", "97", "98", "02"])) + text[4:]
    elif how == "spaces":
        text = " ".join(text[i : i + 4] for i in range(0, len(text), 4))
    elif how == "lower":
        text = text.lower()
    return text


@given(st.one_of(_iban_like(), st.text(max_size=40), st.from_regex(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{6,30}", fullmatch=True)))
def test_is_valid_says_what_schwifty_says(value: str) -> None:
    """``iban.is_valid`` checks without schwifty's objects: the same verdict on valid IBANs
    of many countries, damaged ones, and any text — but a digit of another script, on
    which schwifty raises, is simply not valid."""
    expected = _schwifty_says(value)
    assert iban.is_valid(value) is (False if expected is None else expected)


def test_is_valid_takes_check_digits_02_to_98_only() -> None:
    """An IBAN's ISO 7064 check digits are 02–98. Those of 97, 98 and 02 have an alias
    (00, 01, 99) that passes a bare ``% 97 == 1`` test but is not valid, for schwifty nor
    here."""
    found: dict[str, str] = {}
    account = 417164300
    while len(found) < 3:
        account += 1
        text = str(IBAN.from_bban("NL", f"ABNA{account:010d}"))
        if text[2:4] in ("97", "98", "02"):
            found.setdefault(text[2:4], text)
    for check, alias in (("97", "00"), ("98", "01"), ("02", "99")):
        real = found[check]
        aliased = f"NL{alias}{real[4:]}"
        assert iban.is_valid(real)
        assert int((aliased[4:] + aliased[:4]).translate({c: str(c - 55) for c in range(65, 91)})) % 97 == 1
        assert not iban.is_valid(aliased)
        assert _schwifty_says(aliased) is False
