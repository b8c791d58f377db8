"""The field parsers, tokenizer, code-word splitter and dialect choice, on small inputs —
including the WoLpH fragments of the corpus, which are single fields, not statements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bankbridge.formats.mt940.codewords import split_code_words, split_labels, split_subfields
from bankbridge.formats.mt940.dialects import choose
from bankbridge.formats.mt940.fields import (
    Entry,
    FieldError,
    account_id,
    entry_date,
    parse_61,
    parse_balance,
    parse_number,
)
from bankbridge.formats.mt940.format import split_text
from bankbridge.formats.mt940.tokens import EndOfMessage, Field, Header, Noise, tokens

D = Decimal


def line61(text: str, *rest: str) -> Entry:
    return parse_61((text, *rest), line=1, raw=":61:" + text, clamped=[])


def fields_of(corpus: Path, relative: str) -> list[Field]:
    text = (corpus / "mt940" / relative).read_bytes().decode("utf-8")
    return [t for t in tokens(split_text(text)) if isinstance(t, Field)]


CASES_61 = [
    # text, amount, value date, booking date, type, customer reference, bank reference
    ("2501020102C1,56NTRFEREF//00000000001005", "1.56", "2025-01-02", "2025-01-02", "NTRF", "EREF", "00000000001005"),
    ("130403D000000000127,50N102EREF", "-127.50", "2013-04-03", None, "N102", "EREF", None),
    ("1601300301DR6,00N024NONREF", "-6.00", "2016-01-30", "2016-03-01", "N024", "NONREF", None),
    ("0709040904RCR204,88NRTINONREF", "-204.88", "2007-09-04", "2007-09-04", "NRTI", "NONREF", None),
    ("2002010219RD1027,25N068NONREF", "1027.25", "2020-02-01", "2020-02-19", "N068", "NONREF", None),
    ("100722D25,03NOV NONREF", "-25.03", "2010-07-22", None, "NOV", "NONREF", None),
    (
        "1407290729C500NTRF29-07-2014 10:05//B4G29PGDCK1QFV3E",
        "500.00",
        "2014-07-29",
        "2014-07-29",
        "NTRF",
        "29-07-2014 10:05",
        "B4G29PGDCK1QFV3E",
    ),
    (
        "2103310331C50,00 NTRFNONREF//2109025460313532",
        "50.00",
        "2021-03-31",
        "2021-03-31",
        "NTRF",
        "NONREF",
        "2109025460313532",
    ),
    ("030109C000000000300.00NMSCNONREF", "300.00", "2003-01-09", None, "NMSC", "NONREF", None),
    ("2001250125D1,65NDIV", "-1.65", "2020-01-25", "2020-01-25", "NDIV", "", None),
    ("200101    D65,00NOVBNL47INGB9999999999", "-65.00", "2020-01-01", None, "NOVB", "NL47INGB9999999999", None),
]


@pytest.mark.parametrize(("text", "amount", "value", "booking", "code", "cref", "bref"), CASES_61)
def test_61_subfields(
    text: str, amount: str, value: str, booking: str | None, code: str, cref: str, bref: str | None
) -> None:
    entry = line61(text)
    assert entry.amount == D(amount)
    assert entry.value_date == date.fromisoformat(value)
    assert entry.booking_date == (date.fromisoformat(booking) if booking else None)
    assert entry.type_code == code
    assert (entry.customer_reference.strip(), entry.bank_reference) == (cref, bref)


def test_61_reversal_marks_and_ing_supplementary() -> None:
    entry = line61("1501280128D100,00NTRF1234123412341234//45674567456745", "/TRCD/00100/")
    assert entry.supplementary == "/TRCD/00100/"
    assert line61("1902100210D0,00NMSCNONREF").amount == D("0.00")
    assert str(line61("1902100210D0,00NMSCNONREF").amount) == "0.00"


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("25X102C1,56NTRF", "value date"),
        ("2501020102X1,56NTRF", "debit/credit mark"),
        ("2501020102CNTRF", "amount"),
        ("2501020102C1,56", "transaction type"),
        ("251302C1,56NTRFNONREF", "value date"),
        ("2501021302C1,56NTRFNONREF", "entry date"),
    ],
)
def test_broken_61_names_the_subfield(text: str, part: str) -> None:
    with pytest.raises(FieldError) as info:
        line61(text)
    assert info.value.part == part


def test_entry_date_rolls_over_new_year() -> None:
    assert entry_date(date(2009, 12, 31), "0101") == date(2010, 1, 1)
    assert entry_date(date(2019, 1, 1), "1231") == date(2018, 12, 31)
    assert entry_date(date(2009, 1, 1), "0201") == date(2009, 2, 1)


def test_balances() -> None:
    assert parse_balance("D121004EUR000000000012,00", kind="60F", clamped=[]).amount == D("-12.00")
    assert parse_balance("C020315105000,00", kind="62M", clamped=[]).currency is None
    with pytest.raises(FieldError):
        parse_balance("X250101EUR1,00", kind="60F", clamped=[])


def test_statement_number() -> None:
    assert parse_number("19321/1") == ("19321", "1")
    assert parse_number("0") == ("0", None)
    assert parse_number("00001/01   ") == ("00001", "01")


@pytest.mark.parametrize(
    ("raw", "currency", "account"),
    [
        ("NL69INGB0123456789EUR", "EUR", "NL69INGB0123456789"),
        ("NL92 KNAB 0123 4567 89", "EUR", "NL92KNAB0123456789"),
        ("NL84RABO01212121212 EUR", "EUR", "NL84RABO01212121212"),
        ("TRIODOSBANK/0390123456", "EUR", "390123456"),
        ("2121.21.211EUR", "EUR", "212121211"),
        ("0001234567", "EUR", "1234567"),
        ("0000000000", "EUR", "0000000000"),
        ("87052000/123456789", "EUR", "87052000/123456789"),
        ("UBRTHUHB/123456789150ABCDEF002/HUF", "HUF", "UBRTHUHB/123456789150ABCDEF002/HUF"),
        ("51210600/9223382012EUR", "EUR", "51210600/9223382012"),
    ],
)
def test_account_identification(raw: str, currency: str, account: str) -> None:
    assert account_id(raw, currency=currency) == account


def test_tokens_skip_wrappers_and_keep_unknown_tags_as_text() -> None:
    text = (
        "{1:F01KNABNL2HAXXX0000000000}{2:I940KNABNL2HXXXXN3020}{4:\n:20:X\n:25:1\n"
        ":86:a?60T13\n:12:11\n-}\nABNANL2A\n940\nstray text\n"
    )
    got = list(tokens(split_text(text)))
    assert isinstance(got[0], Header)
    assert [t for t in got if isinstance(t, Field)] == [
        Field("20", ("X",), 2),
        Field("25", ("1",), 3),
        Field("86", ("a?60T13", ":12:11"), 4),
    ]
    assert [type(t) for t in got[-4:]] == [EndOfMessage, Header, Header, Noise]


def test_code_words_split_on_known_words_only() -> None:
    text = "/EREF/INV-1//CNTP/NL91ABNA0417164300/ABNANL2A/J. Jansen///REMI/USTD//Nr 1/2/ X/"
    assert split_code_words(text) == [
        ("EREF", "INV-1"),
        ("CNTP", "NL91ABNA0417164300/ABNANL2A/J. Jansen/"),
        ("REMI", "USTD//Nr 1/2/ X"),
    ]
    head, pairs = split_subfields("166?00GUTSCHRIFT?100399?20EREF+x", "?")
    assert (head, pairs) == ("166", [("00", "GUTSCHRIFT"), ("10", "0399"), ("20", "EREF+x")])
    head, labels = split_labels("SEPA IDEAL IBAN: NL70ABNA0888888888 BIC: ABNANL2A NAAM: NS")
    assert (head, labels["IBAN"], labels["NAAM"]) == ("SEPA IDEAL", "NL70ABNA0888888888", "NS")


def test_dialect_choice() -> None:
    assert choose(header="{1:F01KNABNL2HAXXX0}", reference="X", account="NL52RABO0326203011").name == "knab"
    assert choose(header=":940:", reference="940S130403", account="NL50RABO0123456789").name == "rabobank"
    assert choose(header="", reference="ABN AMRO BANK NV", account="517852257").name == "abnamro"
    assert choose(header="0000 01INGBNL2AXXXX00001", reference="MPBZ", account="0001234567").name == "ing"
    assert choose(header="", reference="X", account="TRIODOSBANK/0390123456").name == "triodos"
    assert choose(header="", reference="X", account="NL81ASNB9999999999").name == "asn"
    assert choose(header="", reference="X", account="87052000/123456789").name == "german"
    assert choose(header="", reference="X", account="DABADKKK/1234567890").name == "generic"


# --- WoLpH fragments: single fields, asserted at field level ----------------------------


def test_wolph_fragment_amount_line_break(corpus: Path) -> None:
    (field,) = [f for f in fields_of(corpus, "wolph-mt940/self-provided_sparkassen.sta") if f.tag == "61"]
    entry = parse_61(field.lines, line=field.line, raw="", clamped=[])
    assert entry.amount == D("30.00")


def test_wolph_fragment_amount_formats(corpus: Path) -> None:
    fields = fields_of(corpus, "wolph-mt940/betterplace_amount_formats.sta")
    amounts = [parse_balance(f.lines[0], kind=f.tag, clamped=[]).amount for f in fields]
    assert amounts == [D(x) for x in ("380115.12", "380115.10", "380115.00", "0.12", "0.12", "1.12")]
    assert amounts[-1] == D("1.12")  # WoLpH keeps the last :60F:


def test_wolph_fragment_empty_entry_date(corpus: Path) -> None:
    (field,) = fields_of(corpus, "wolph-mt940/betterplace_empty_entry_date.sta")
    entry = parse_61(field.lines, line=1, raw="", clamped=[])
    assert (entry.amount, entry.booking_date, entry.funds_code) == (D("50.00"), None, "N")


def test_wolph_fragment_empty_86(corpus: Path) -> None:
    assert fields_of(corpus, "wolph-mt940/betterplace_empty_86.sta") == [Field("86", ("091",), 1)]
