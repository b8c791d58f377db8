"""The twins' constructors (``statements.twin``) make exactly what the frozen classes'
own constructors make, with positional arguments as with keywords: the engine builds its
records through them (``new_verdict``, ``new_posting``, …)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from bankbridge.ledger.model import OpenItem, Posting, Settlement, new_posting, new_settlement
from bankbridge.matching.model import Candidate, new_candidate
from bankbridge.matching.outcome import NOTHING, Note, Verdict, new_verdict
from bankbridge.statements.twin import twin_of


def _same(made: object, real: object) -> None:
    assert made == real and hash(made) == hash(real) and type(made) is type(real)
    assert [getattr(made, f.name) for f in dataclasses.fields(real)] == [  # type: ignore[arg-type]
        getattr(real, f.name)
        for f in dataclasses.fields(real)  # type: ignore[arg-type]
    ]


def test_positional_keyword_and_default_arguments_give_the_constructors_object() -> None:
    leg = Posting("1300", Decimal("-10.00"), relation="10023")
    _same(new_posting("1300", Decimal("-10.00"), relation="10023"), leg)
    _same(new_posting("1300", Decimal("-10.00"), "10023"), leg)
    _same(new_settlement("F1", "10023", Decimal("10.00")), Settlement("F1", "10023", Decimal("10.00")))
    _same(
        new_candidate(None, (), Decimal(1), 60, "why", gl_account="4000"),
        Candidate(None, (), Decimal(1), 60, "why", "4000"),
    )
    _same(
        new_verdict("booked", "iban", "IBAN … belongs to debtor 10023", 95, (leg,), relation=None),
        Verdict("booked", "iban", "IBAN … belongs to debtor 10023", 95, (leg,)),
    )
    assert Note() == NOTHING and not NOTHING.text and not NOTHING.veto


def test_twin_made_records_stay_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        new_verdict("open", None, "no rule applies to this line", 0).score = 100  # type: ignore[misc]


def test_a_missing_or_unknown_argument_is_refused_as_by_the_class() -> None:
    with pytest.raises(TypeError):
        new_posting("1300")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        new_settlement("F1", "10023", Decimal(1), extra=1)  # type: ignore[call-arg]


def test_a_class_whose_twin_cannot_be_trusted_is_made_by_its_own_constructor() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    plain = twin_of(Checked)
    assert plain.make is Checked
    with pytest.raises(ValueError, match="negative"):
        plain.make(-1)


def test_an_open_item_hashes_by_its_key_and_stays_apart_from_its_other_states() -> None:
    """``OpenItem`` hashes by (administration, invoice number) only (the engine puts items
    in dicts and sets by the thousand): equal items hash alike, made either way; an item
    and the same invoice with another amount are two keys of one dict."""
    fields = ("A1", "F1", "10023", Decimal("10.00"), "EUR", date(2026, 11, 2), None, "RF18539007547034")
    item, made = OpenItem(*fields), twin_of(OpenItem).make(*fields)
    _same(made, item)
    paid_in_part = dataclasses.replace(item, amount=Decimal("4.00"))
    assert paid_in_part != item and hash(paid_in_part) == hash(item)
    assert dict.fromkeys([item, made, paid_in_part]) == {item: None, paid_in_part: None}
    assert hash(item) != hash(dataclasses.replace(item, invoice_number="F2"))  # the key, not a constant
