"""What import stores for a line: its identity (R-B4) and its detail JSON. Both run for
every line imported and are written for speed; here they are checked against their
definitions, written plainly, and the identity against values pinned once: lines read
before must stay duplicates whatever version of the code reads them again."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bankbridge.ledger.lines import json_writer, line_detail
from bankbridge.statements.identity import NO_DATE, PLACEHOLDER_REFERENCES, identities
from bankbridge.statements.model import StatementLine

ACCOUNT = "NL91ABNA0417164300"


def _plain_basis(account: str, line: StatementLine) -> str:
    """The module's definition: reference, account, date and amount; else a fingerprint."""
    day = line.booking_date or line.value_date
    amount = format(line.amount.normalize(), "f") if line.amount else "0"
    ref = (line.bank_reference or "").strip()
    if ref.upper() not in PLACEHOLDER_REFERENCES:
        return f"ref|{account}|{day}|{amount}|{ref}"

    def fold(text: str | None) -> str:
        return " ".join((text or "").split()).upper()

    iban = (line.counterparty_iban or "").upper()
    name, text = fold(line.counterparty_name), fold(line.description)
    return "|".join(("fp", account, str(day), str(line.value_date), amount, iban, name, text))


def _plain_identities(account: str, lines: list[StatementLine]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for line in lines:
        basis = _plain_basis(account, line)
        seen[basis] += 1
        day = line.booking_date or line.value_date
        prefix = day.isoformat().replace("-", "") if day else NO_DATE
        out.append(prefix + hashlib.sha256(f"{basis}|{seen[basis]}".encode()).hexdigest()[:56])
    return out


def test_identities_are_those_read_before() -> None:
    """Pinned when the identity got its date in front (revision 0003): two equal lines get
    counts 1 and 2; a placeholder reference makes a fingerprint with blanks and case
    folded; a value date stands in for a missing booking date; no date gives zeros."""
    coffee = StatementLine(
        Decimal("-3.10"),
        booking_date=date(2026, 11, 2),
        bank_reference="NONREF",
        counterparty_iban="nl91abna0417164300",
        counterparty_name=" Koffie  Bar ",
        description="koffie\n en  taart",
    )
    lines = [
        StatementLine(Decimal("12.50"), booking_date=date(2026, 11, 2), bank_reference="REF-1"),
        StatementLine(Decimal("12.50"), booking_date=date(2026, 11, 2), bank_reference="REF-1"),
        coffee,
        coffee,
        StatementLine(Decimal("100"), value_date=date(2026, 11, 3), description="alleen valutadatum"),
        StatementLine(Decimal("0"), description="zonder datum"),
        StatementLine(Decimal("7.000"), booking_date=date(999, 1, 5), bank_reference=" ref-x "),
    ]
    assert identities(ACCOUNT, lines) == [
        "202611021be513a680a3dd57341d118ed3af6e26c50fe8b6cbe9c722b8aca7eb",
        "2026110290820999337e9ea18e126c512ff93fa0e44fa7bd44d54a08ee9c13a8",
        "202611025d7036ef66e507c6007939d0ca84310c5878c65df740d2cf0e16255b",
        "20261102ac7cb8b3637b981f3e91b3f18c5a8fa38ab4508ad56e5a1606a171c9",
        "2026110320c861069438071d2ba7e9b07b4c2b6154f718b5889eba4496d18977",
        "00000000ca4c99a07acf30ee9bc86862225241da3f8f56cb0205ac0b796fc018",
        "09990105e428050a40e994966b24d087c7602f4b6023f8818547ed4d0b35e876",
    ]


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_OPTIONAL_TEXT = st.none() | _TEXT
_DAYS = st.none() | st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
_AMOUNTS = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
_REFERENCES = st.none() | st.sampled_from([*sorted(PLACEHOLDER_REFERENCES), " nonref ", "REF-1", " R 2 "]) | _TEXT


@st.composite
def _lines(draw: st.DrawFn) -> StatementLine:
    return StatementLine(
        draw(_AMOUNTS),
        booking_date=draw(_DAYS),
        value_date=draw(_DAYS),
        counterparty_iban=draw(st.none() | st.sampled_from(["NL91ABNA0417164300", "nl91abna0417164300"])),
        counterparty_name=draw(_OPTIONAL_TEXT),
        bank_reference=draw(_REFERENCES),
        description=draw(_OPTIONAL_TEXT),
    )


@given(st.lists(_lines(), max_size=8).flatmap(lambda ls: st.permutations(ls + ls[:2])))
def test_identities_follow_their_definition(lines: list[StatementLine]) -> None:
    """Equal lines (the list repeats some) get counts 1, 2, … in their order."""
    assert identities(ACCOUNT, lines) == _plain_identities(ACCOUNT, lines)


@st.composite
def _detailed(draw: st.DrawFn) -> StatementLine:
    item = StatementLine(
        draw(_AMOUNTS),
        booking_date=draw(_DAYS),
        counterparty_name=draw(_OPTIONAL_TEXT),
        description=draw(_OPTIONAL_TEXT),
        mandate_id=draw(_OPTIONAL_TEXT),
    )
    return StatementLine(
        draw(_AMOUNTS),
        customer_reference=draw(_OPTIONAL_TEXT),
        creditor_id=draw(_OPTIONAL_TEXT),
        payment_reference_type=draw(st.none() | st.sampled_from(["CUR", "ISO", "BBA", "OTHER"])),
        return_reason=draw(_OPTIONAL_TEXT),
        batch_id=draw(_OPTIONAL_TEXT),
        batch_count=draw(st.none() | st.integers(min_value=0, max_value=10**6)),
        charges=draw(st.none() | _AMOUNTS),
        ultimate_debtor=draw(_OPTIONAL_TEXT),
        ultimate_creditor=draw(_OPTIONAL_TEXT),
        reversal=draw(st.booleans()),
        items=tuple(draw(st.lists(st.just(item), max_size=2))),
        detail_lines=tuple(draw(st.lists(_TEXT, max_size=3))),
        extra=tuple(draw(st.lists(st.tuples(st.sampled_from(["CD", "b", "a", "É"]), _TEXT), max_size=4))),
    )


def _plain_detail(line: StatementLine) -> str:
    """The detail as ``json.dumps`` writes it: sorted keys, absent fields left out."""
    names = ("batch_count", "batch_id", "creditor_id", "customer_reference", "payment_reference_type")
    names += ("return_reason", "ultimate_creditor", "ultimate_debtor")
    detail: dict[str, object] = {n: getattr(line, n) for n in names if getattr(line, n) is not None}
    if line.charges is not None:
        detail["charges"] = str(line.charges)
    if line.detail_lines:
        detail["detail_lines"] = list(line.detail_lines)
    if line.extra:
        detail["extra"] = dict(line.extra)
    if line.items:
        detail["items"] = [
            {
                "amount": str(i.amount),
                "booking_date": i.booking_date and i.booking_date.isoformat(),
                "counterparty_iban": i.counterparty_iban,
                "counterparty_name": i.counterparty_name,
                "counterparty_bic": i.counterparty_bic,
                "end_to_end_id": i.end_to_end_id,
                "payment_reference": i.payment_reference,
                "description": i.description,
                "bank_reference": i.bank_reference,
                "mandate_id": i.mandate_id,
            }
            for i in line.items
        ]
    if line.reversal:
        detail["reversal"] = True
    return json.dumps(detail, ensure_ascii=False, sort_keys=True)


@given(_detailed())
def test_detail_is_what_json_dumps_writes(line: StatementLine) -> None:
    """Quotes, control characters and any Unicode included; nested keys sorted too."""
    text = line_detail(line)
    assert text == _plain_detail(line)
    assert json.loads(text) == json.loads(_plain_detail(line))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(_JSON, st.booleans())
def test_the_json_writer_writes_what_json_dumps_writes(value: object, sort_keys: bool) -> None:
    """The encoder made once (details, candidates) against ``json.dumps`` itself."""
    assert json_writer(sort_keys=sort_keys)(value) == json.dumps(value, ensure_ascii=False, sort_keys=sort_keys)
