"""Property: a generated statement written as MT940 (Rabobank layout) and parsed back
gives the same model, on every field the format carries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from schwifty import IBAN

from bankbridge.formats.mt940 import FORMAT
from bankbridge.formats.registry import detect
from bankbridge.statements.model import Balance, Statement, StatementLine

TEXT = (
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,-()'+?: ",
        min_size=1,
        max_size=80,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: s and s.upper() != "NOTPROVIDED")
)
IDS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=35).filter(
    lambda s: s.upper() != "NOTPROVIDED"
)
IBANS = st.builds(
    lambda bank, number: str(IBAN.generate("NL", bank_code=bank, account_code=f"{number:010d}")),
    st.sampled_from(["RABO", "ABNA", "INGB", "TRIO", "KNAB"]),
    st.integers(min_value=1, max_value=9_999_999_999),
)
AMOUNTS = st.integers(min_value=-(10**11), max_value=10**11).map(lambda c: Decimal(c).scaleb(-2))
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 1))


@st.composite
def lines(draw: st.DrawFn) -> StatementLine:
    value = draw(DAYS)
    booking = draw(st.none() | st.integers(0, 3).map(lambda d: value + timedelta(days=d)))
    reference = draw(st.none() | st.from_regex(r"[0-9]{16}", fullmatch=True))
    e2e = draw(st.none() | IDS)
    return StatementLine(
        amount=draw(AMOUNTS),
        value_date=value,
        booking_date=booking,
        currency="EUR",
        counterparty_iban=draw(st.none() | IBANS),
        counterparty_name=draw(st.none() | TEXT),
        bank_reference=draw(st.from_regex(r"[A-Z0-9]{1,16}", fullmatch=True)),
        end_to_end_id=e2e,
        mandate_id=draw(st.none() | IDS),
        creditor_id=draw(st.none() | st.just("NL98ZZZ999999999999")),
        payment_reference=reference,
        payment_reference_type=draw(st.sampled_from(["CUR", "ISO"])) if reference else None,
        description=draw(st.none() | TEXT),
        bank_code=draw(st.from_regex(r"N[0-9]{3}", fullmatch=True)),
        return_reason=draw(st.none() | st.sampled_from(["MS03", "AC04", "MD06"])),
        batch_id=None if e2e else draw(st.none() | IDS),
        ultimate_debtor=draw(st.none() | TEXT),
        ultimate_creditor=draw(st.none() | TEXT),
        reversal=draw(st.booleans()),
    )


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    entries = tuple(draw(st.lists(lines(), max_size=6)))
    day = draw(DAYS)
    opening = Balance(date=day, amount=draw(AMOUNTS))
    closing = Balance(date=day + timedelta(days=1), amount=draw(AMOUNTS))
    return Statement(
        format="mt940",
        account=draw(IBANS),
        currency="EUR",
        lines=entries,
        statement_number=str(draw(st.integers(0, 99999))),
        opening_balance=opening,
        closing_balance=closing,
    )


CARRIED = (
    "amount",
    "value_date",
    "booking_date",
    "currency",
    "counterparty_iban",
    "counterparty_name",
    "bank_reference",
    "end_to_end_id",
    "mandate_id",
    "creditor_id",
    "payment_reference",
    "payment_reference_type",
    "bank_code",
    "return_reason",
    "batch_id",
    "ultimate_debtor",
    "ultimate_creditor",
    "reversal",
)


def carried(line: StatementLine) -> dict[str, object]:
    return {name: getattr(line, name) for name in CARRIED}


@settings(max_examples=60, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=3))
def test_write_then_parse_gives_the_same_statements(written: list[Statement]) -> None:
    data = FORMAT.write(written)
    assert detect(data, source="out.sta").name == "mt940"
    parsed = FORMAT.parse(data, source="out.sta").statements
    assert len(parsed) == len(written)
    for mine, back in zip(written, parsed, strict=True):
        assert (back.account, back.currency, back.dialect) == (mine.account, "EUR", "rabobank")
        assert back.statement_number == mine.statement_number
        pairs = ((mine.opening_balance, back.opening_balance), (mine.closing_balance, back.closing_balance))
        for ours, theirs in pairs:
            assert ours is not None and theirs is not None
            assert (theirs.date, theirs.amount) == (ours.date, ours.amount)
        assert [carried(x) for x in back.lines] == [carried(x) for x in mine.lines]
        # Rabobank's rule: an empty /REMI/ is read as the end-to-end id
        assert [x.description for x in back.lines] == [x.description or x.end_to_end_id for x in mine.lines]


def test_written_file_is_rabobank_layout() -> None:
    line = StatementLine(
        amount=Decimal("-98.99"),
        value_date=date(2025, 1, 2),
        counterparty_iban="NL91ABNA0417164300",
        counterparty_name="Webshop BV",
        end_to_end_id="E2E-1",
        description="Order 4711",
        bank_code="N102",
        bank_reference="0000000001005",
    )
    statement = Statement(
        format="mt940",
        account="NL44RABO0123456789",
        currency="EUR",
        lines=(line,),
        opening_balance=Balance(date(2025, 1, 1), Decimal("1000.00")),
    )
    assert FORMAT.write([statement]).decode().split("\r\n") == [
        ":940:",
        ":20:940S250102",
        ":25:NL44RABO0123456789",
        ":28C:0",
        ":60F:C250101EUR000000001000,00",
        ":61:250102D000000000098,99N102EREF//0000000001005",
        "NL91ABNA0417164300",
        ":86:/EREF/E2E-1/BENM//NAME/Webshop BV/REMI/Order 4711",
        ":62F:C250102EUR000000000901,01",
        "",
    ]


def test_wrapped_86_lines_never_start_like_a_tag() -> None:
    text = ("x" * 64 + ":61:") * 3 + "y" * 61 + "-XXX" + "z" * 64 + "{4:" + "w" * 62 + "-}"
    line = StatementLine(amount=Decimal("1.00"), value_date=date(2025, 1, 2), description=text)
    statement = Statement(format="mt940", account="NL44RABO0123456789", currency="EUR", lines=(line,))
    data = FORMAT.write([statement])
    rows = data.decode().split("\r\n")
    continuation = rows[rows.index(next(r for r in rows if r.startswith(":86:"))) + 1 : -2]
    assert len(continuation) >= 4
    assert not any(row.startswith((":", "-", "{")) for row in continuation)
    (back,) = FORMAT.parse(data, source="x.sta").statements
    assert back.lines[0].description == text
