"""Facts "Asserted by source" for German and other banks (jejik, kingsquare, mt940-rs,
WoLpH), including the mt940-rs golden JSON files, compared field by field."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bankbridge.statements.model import Balance, Statement, StatementLine

Statements = Callable[[str], tuple[Statement, ...]]
D = Decimal


def extra(line: StatementLine, key: str) -> str | None:
    return dict(line.extra).get(key)


def bal(balance: Balance | None) -> tuple[date, Decimal] | None:
    return None if balance is None else (balance.date, balance.amount)


def all_lines(st: tuple[Statement, ...]) -> list[StatementLine]:
    return [line for statement in st for line in statement.lines]


# --- jejik-mt940 (German, Swiss) ----------------------------------------------------------


def test_jejik_deutsche_bank(statements: Statements) -> None:
    (st,) = statements("jejik-mt940/deutschebank.txt")
    assert (st.statement_number, st.sequence, st.account) == ("00143", "1", "20070000/0123456601")
    assert st.dialect == "german"
    assert bal(st.opening_balance) == (date(2020, 6, 5), D("0.00"))
    (line,) = st.lines
    assert (line.amount, line.value_date, line.booking_date) == (D("-12.35"), date(2020, 6, 8), date(2020, 6, 8))
    assert line.bank_reference == "2016021783252833"
    assert extra(line, "posting text") == "SEPA-LASTSCHR. RETOURE CORE"
    assert extra(line, "primanota") == "9075/629"
    (st,) = statements("jejik-mt940/commerzbank.txt")
    assert len(st.lines) == 1


def test_jejik_oldenburgische_landesbank(statements: Statements) -> None:
    (st,) = statements("jejik-mt940/oldenburgischelandesbank.txt")
    assert (st.statement_number, st.sequence, st.account) == ("135", "1", "28020050/1324354687")
    assert bal(st.opening_balance) == (date(2018, 7, 13), D("0.00"))
    (line,) = st.lines
    assert (line.amount, line.value_date) == (D("104.50"), date(2018, 7, 16))
    assert (extra(line, "posting text"), extra(line, "primanota")) == ("GUTSCHRIFT", "0004770")
    assert "EREF+NOTPROVIDED" in line.raw and line.end_to_end_id is None  # NOTPROVIDED = none
    for name, account in (
        ("oldenburgischelandesbank2.txt", "DE19662800530622160900"),
        ("K4262927_20200905-080000-952.txt", "28020050/1426292700"),
    ):
        (st,) = statements(f"jejik-mt940/{name}")
        assert (st.statement_number, st.sequence, st.account) == ("172", "1", account)
        assert bal(st.opening_balance) == (date(2020, 9, 4), D("0.00"))
        (line,) = st.lines
        assert line.amount == D("230.00")
        assert (extra(line, "posting text"), extra(line, "primanota")) == ("GUTSCHRIFT", "0004772")
    (st,) = statements("jejik-mt940/oldenburgischelandesbank2.txt")
    assert st.lines[0].end_to_end_id == "SCP 100 / 0082002528"
    (st,) = statements("jejik-mt940/oldenburgischelandesbankmitbindestrich.txt")
    assert st.account == "DE12345678900022805304"
    assert bal(st.opening_balance) == (date(2021, 2, 4), D("279998.57"))
    (line,) = st.lines
    assert (line.amount, line.value_date) == (D("1727.00"), date(2021, 6, 17))
    assert (line.counterparty_iban, line.counterparty_bic) == ("DE41292500000123456789", "ABCDEFGHIJK")


def test_jejik_sparkasse(statements: Statements) -> None:
    for name, count in (("sparkasse.txt", 2), ("sparkasse_interim_balance.txt", 3)):
        st = statements(f"jejik-mt940/{name}")
        assert len(st) == count
        assert (st[0].statement_number, st[0].sequence, st[0].account) == ("00000", "001", "87052000/123456789")
        assert bal(st[0].opening_balance) == (date(2019, 2, 15), D("194.57"))
        line = st[0].lines[0]
        assert line.amount == D("-20.00")
    # the ONLINE-UEBERWEISUNG of 2019-02-19 is the line of the second statement
    line = statements("jejik-mt940/sparkasse.txt")[1].lines[0]
    assert (line.amount, line.value_date) == (D("-20.00"), date(2019, 2, 19))
    assert extra(line, "posting text") == "ONLINE-UEBERWEISUNG"
    assert extra(line, "primanota") == "9310"
    assert line.counterparty_bic == "NTSBDEB1XXX"
    assert statements("jejik-mt940/sparkasse_interim_balance.txt")[2].opening_balance == Balance(
        date=date(2021, 11, 2), amount=D("0.00"), currency="EUR", kind="60M"
    )


@pytest.mark.parametrize(
    ("name", "amount", "reversal_of"), [("sparkasse2.txt", "1027.25", "RD"), ("sparkasse3.txt", "-1027.25", "RC")]
)
def test_jejik_sparkasse_reversals(statements: Statements, name: str, amount: str, reversal_of: str) -> None:
    (st,) = statements(f"jejik-mt940/{name}")
    assert st.account == "DE11222220220222220200"
    assert bal(st.opening_balance) == (date(2020, 2, 19), D("931052.29"))
    (line,) = st.lines
    assert line.amount == D(amount) and line.reversal
    assert reversal_of in line.raw.split("\n")[0]
    assert (line.value_date, line.booking_date) == (date(2020, 2, 1), date(2020, 2, 19))
    assert extra(line, "posting text") == "STORNO"


def test_jejik_bug_core_5401(statements: Statements) -> None:
    (st,) = statements("jejik-mt940/bug-core-5401.txt")
    assert (st.statement_number, st.sequence, st.account) == ("00111", "1", "DE19662800530622160900")
    assert bal(st.opening_balance) == (date(2021, 3, 30), D("0.00"))
    (line,) = st.lines
    assert (line.amount, line.value_date) == (D("50.00"), date(2021, 3, 31))
    assert (line.customer_reference, line.bank_reference) == ("NONREF", "2109025460313532")
    assert extra(line, "posting text") == "SEPA-GUTSCHRIFT"


def test_jejik_postfinance(statements: Statements) -> None:
    st = statements("jejik-mt940/postfinance.txt")
    assert len(st) == 2
    assert (st[0].statement_number, st[0].sequence, st[0].account) == ("999", "1", "123456789")
    assert (st[0].currency, bal(st[0].opening_balance)) == ("CHF", (date(2013, 11, 30), D("0.00")))
    first = st[0].lines[0]
    assert len(st[0].lines) == 2
    assert (first.amount, first.value_date) == (D("79.70"), date(2013, 12, 9))
    # jejik's "contra 98765432" is read off the free text; we keep it in the :86: text
    assert first.description is not None and "CH98765432" in first.description


def test_jejik_generic(statements: Statements) -> None:
    st = statements("jejik-mt940/generic.txt")
    assert [len(s.lines) for s in st] == [1, 1] and {s.dialect for s in st} == {"generic"}


# --- kingsquare-php-mt940 (others) --------------------------------------------------------


def test_kingsquare_hsbc(statements: Statements) -> None:
    (st,) = statements("kingsquare-php-mt940/Hsbc_sample.txt")
    assert bal(st.opening_balance) == (date(2012, 3, 29), D("0.00"))
    assert bal(st.closing_balance) == (date(2012, 3, 29), D("0.00"))
    assert st.currency == "HKD"
    (line,) = st.lines
    assert line.amount == D("-20000.00")  # mark D, funds code D
    assert (line.customer_reference, line.bank_reference) == ("1004688128", "6128522200250001")
    assert st.information == "/OSDR/HSBCHKHH"


def test_kingsquare_kbs(statements: Statements) -> None:
    for name, day, delta, first in (
        ("Kbs_sample.txt", date(2020, 12, 1), D("-1870.00"), D("-80.00")),
        ("Kbs_sample2.txt", date(2020, 10, 9), D("-22755.00"), None),
    ):
        (st,) = statements(f"kingsquare-php-mt940/{name}")
        assert st.currency == "MKD" and st.opening_balance and st.closing_balance
        assert st.opening_balance.date == day
        assert st.opening_balance.amount - st.closing_balance.amount == delta
        if first is not None:
            assert st.lines[0].amount == first


def test_kingsquare_penta(statements: Statements) -> None:
    (st,) = statements("kingsquare-php-mt940/Penta_sample.txt")
    assert st.opening_balance and st.closing_balance
    assert st.opening_balance.date == date(2020, 9, 30)
    assert st.opening_balance.amount - st.closing_balance.amount == D("10576.30")
    assert (st.lines[0].amount, st.lines[0].booking_date) == (D("-20.00"), date(2020, 9, 2))
    assert st.lines[-1].booking_date == date(2020, 9, 30)


def test_kingsquare_sparkasse(statements: Statements) -> None:
    st = statements("kingsquare-php-mt940/Spk_sample.txt")
    assert len(st) == 4 and len(all_lines(st)) == 10
    assert st[0].opening_balance and st[0].opening_balance.date == date(2010, 2, 17)
    assert st[-1].closing_balance and st[-1].closing_balance.date == date(2010, 2, 18)
    assert st[0].lines[0].amount > 0


# --- mt940-rs golden JSON ----------------------------------------------------------------


def _rs_balance(value: dict[str, Any] | None) -> tuple[date, Decimal, str] | None:
    if value is None:
        return None
    sign = -1 if value["debit_credit_indicator"] == "Debit" else 1
    return date.fromisoformat(value["date"]), sign * D(value["amount"]), value["iso_currency_code"]


def _ours(balance: Balance | None) -> tuple[date, Decimal, str | None] | None:
    return None if balance is None else (balance.date, balance.amount, balance.currency)


def _rs_line(value: dict[str, Any]) -> tuple[Any, ...]:
    # mt940-rs calls the mark "RC" ReverseDebit: the entry is a debit (SWIFT: reversal of
    # a credit). With that sign all 26 statements of betterplace_sepa_mt9401 reconcile.
    indicator = value["ext_debit_credit_indicator"]
    sign = -1 if indicator in ("Debit", "ReverseDebit") else 1
    code = value["transaction_type_ident_code"]
    bank_ref = value["bank_ref"]
    return (
        date.fromisoformat(value["value_date"]),
        date.fromisoformat(value["entry_date"]) if value["entry_date"] else None,
        sign * D(value["amount"]),
        next(iter(code.values())) if isinstance(code, dict) else code,
        value["customer_ref"],
        bank_ref.split("/")[0] if bank_ref else None,
    )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip()


def _our_line(line: StatementLine) -> tuple[Any, ...]:
    assert line.bank_code is not None
    return (
        line.value_date,
        line.booking_date,
        line.amount,
        line.bank_code[1:],
        line.customer_reference,
        line.raw.split("\n")[0].split("//", 1)[1].split("/")[0] if "//" in line.raw.split("\n")[0] else None,
    )


RS_GOLDEN = [
    "bugs_issue-51",
    "betterplace_sepa_mt9401",
    "betterplace_sepa_snippet",
    "cmxl_mt940_1",
    "cmxl_mt940_2",
    "danskebank_MT940_DK_Example",
    "danskebank_MT940_FI_Example",
    "danskebank_MT940_SE_Example",
    "sparkasse_buxtehude",
]


@pytest.mark.parametrize("name", RS_GOLDEN)
def test_mt940_rs_golden(statements: Statements, corpus: Path, name: str) -> None:
    golden = json.loads((corpus / "mt940" / "mt940-rs" / f"{name}.json").read_text("utf-8"))
    ours = statements(f"mt940-rs/{name}.sta")
    assert len(ours) == len(golden)
    for mine, theirs in zip(ours, golden, strict=True):
        assert mine.statement_id == theirs["transaction_ref_no"]
        assert (mine.statement_number, mine.sequence) == (theirs["statement_no"], theirs["sequence_no"])
        assert _ours(mine.opening_balance) == _rs_balance(theirs["opening_balance"])
        assert _ours(mine.closing_balance) == _rs_balance(theirs["closing_balance"])
        assert [_our_line(x) for x in mine.lines] == [_rs_line(x) for x in theirs["statement_lines"]]
        infos = [x["information_to_account_owner"] for x in theirs["statement_lines"]]
        for line, info in zip(mine.lines, infos, strict=True):
            if isinstance(info, dict) and info.get("posting_text"):
                assert _fold(extra(line, "posting text") or "") == _fold(info["posting_text"])


def test_mt940_rs_account_ids(statements: Statements, corpus: Path) -> None:
    for name in ("cmxl_mt940_1", "danskebank_MT940_FI_Example", "sparkasse_buxtehude"):
        golden = json.loads((corpus / "mt940" / "mt940-rs" / f"{name}.json").read_text("utf-8"))
        assert [s.account for s in statements(f"mt940-rs/{name}.sta")] == [g["account_id"] for g in golden]


def test_mt940_rs_special_cases(statements: Statements) -> None:
    # mt940-rs refuses a :61: without customer reference; real ASN and SNS files write
    # exactly that (":61:2001250125D1,65NDIV"), so it is read.
    (st,) = statements("mt940-rs/special-cases_incomplete_tag_61.sta")
    assert [ln.amount for ln in st.lines] == [D("-233.15")]
    # not UTF-8: decoded as CP1252 instead of refused
    (st,) = statements("mt940-rs/special-cases_invalid_utf8.sta")
    assert len(st.lines) == 7 and st.currency == "HUF"
    # ":12:11" is the tail of a wrapped time stamp, not a tag: it stays in the :86:
    (st,) = statements("mt940-rs/special-cases_unknown_tag.sta")
    assert len(st.lines) == 1 and ":12:11" in st.lines[0].detail_lines


# --- WoLpH mt940 -------------------------------------------------------------------------


def test_wolph_cmxl(statements: Statements) -> None:
    st = statements("wolph-mt940/cmxl_mt940.sta")
    assert len(st) == 3 and len(all_lines(st)) == 16
    last = st[-1]
    assert (last.account, last.statement_id) == ("BPHKPLPK/320000546101", "TELEWIZORY S.A.")
    assert (last.opening_balance and last.opening_balance.amount, last.currency) == (D("40000.00"), "PLN")
    assert last.closing_balance and last.closing_balance.amount == D("50040.00")


def test_wolph_mbank(statements: Statements) -> None:
    (st,) = statements("wolph-mt940/mBank_mt940.sta")
    assert st.account == "PL29114010810000267002001002"
    assert bal(st.opening_balance) == (date(2017, 1, 19), D("0.40"))
    assert st.closing_balance and st.closing_balance.amount == D("0.43")
    assert [(b.kind, b.amount) for b in st.other_balances] == [("64", D("0.43"))]
    assert [ln.amount for ln in st.lines] == [D("0.01")] * 3
    (st,) = statements("wolph-mt940/mBank_mt942.sta")
    assert (st.format, st.account, st.currency) == ("mt942", "PL29114010810000267002001002", "PLN")
    assert (st.opening_balance, st.closing_balance) == (None, None)
    assert st.created == date(2017, 1, 19)
    assert [ln.amount for ln in st.lines] == [D("0.01")] * 3
    (st,) = statements("wolph-mt940/mBank_with_newline_in_tnr.sta")
    assert (bal(st.opening_balance), bal(st.closing_balance)) == (
        (date(2017, 2, 1), D("0.46")),
        (date(2017, 2, 1), D("860.17")),
    )
    assert [ln.amount for ln in st.lines] == [D("45.00"), D("44.00")]


def test_wolph_raiffeisen(statements: Statements) -> None:
    (st,) = statements("wolph-mt940/self-provided_raiffeisen-cmi.sta")
    assert st.account == "UBRTHUHB/123456789150ABCDEF002/HUF"
    assert st.opening_balance and st.opening_balance.amount == D("25170637.10")
    assert st.closing_balance and st.closing_balance.amount == D("25281687.60")
    assert [ln.amount for ln in st.lines] == [
        D(x) for x in ("2066637.00", "-14790.00", "-3051800.00", "-3892.77", "-789.24", "-1578.49", "-6000.00")
    ]


def test_wolph_raphaelm(statements: Statements) -> None:
    st = statements("wolph-mt940/self-provided_raphaelm.sta")
    assert [ln.amount for ln in all_lines(st)] == [D("5000.00")] + [D("20000.00")] * 7 + [D("-50000.00")]
    assert st[-1].account == "3346780111"
    assert st[-1].opening_balance == Balance(date(2002, 3, 24), D("145000.00"), "DEM", "60F")
    assert st[1].opening_balance == Balance(date(2002, 3, 15), D("105000.00"), "DEM", "60M")


def test_wolph_german_details(statements: Statements) -> None:
    (st,) = statements("wolph-mt940/self-provided_gv_codes.sta")
    assert st.account == "12345678/1020304050"
    assert bal(st.opening_balance) == (date(2017, 9, 14), D("12345.12"))
    assert [ln.amount for ln in st.lines] == [D("-233.15"), D("-24.30")] and st.closing_balance is None
    (st,) = statements("wolph-mt940/self-provided_details_60-63.sta")
    assert (bal(st.opening_balance)[1], bal(st.closing_balance)[1]) == (D("12345.12"), D("12345.98"))  # type: ignore[index]
    assert [ln.amount for ln in st.lines] == [D("-233.15")]
    (st,) = statements("wolph-mt940/self-provided_multiline.sta")
    assert bal(st.opening_balance) == (date(2004, 8, 2), D("16.40"))
    assert bal(st.closing_balance) == (date(2004, 8, 4), D("11.40"))
    assert [ln.amount for ln in st.lines] == [D("-5.00"), D("119.00")]


@pytest.mark.parametrize(
    "name",
    [
        "self-provided_february_30.sta",
        "self-provided_wrapped_timestamp.sta",
        "self-provided_transaction_details_wrapped.sta",
    ],
)
def test_wolph_edge_cases(parse_corpus: Callable, name: str) -> None:  # type: ignore[type-arg]
    result = parse_corpus(f"wolph-mt940/{name}")
    (st,) = result.statements
    assert bal(st.opening_balance) == (date(2016, 2, 29), D("1200.00"))
    assert bal(st.closing_balance) == (date(2016, 3, 1), D("1194.00"))
    (line,) = st.lines
    assert line.amount == D("-6.00")
    # value date "160230": 30 February becomes the 29th, with a diagnostic
    assert line.value_date == date(2016, 2, 29)
    assert "date_clamped" in [d.code for d in result.diagnostics]


def test_wolph_wrapped_lines_stay_in_the_86(statements: Statements) -> None:
    (st,) = statements("wolph-mt940/self-provided_wrapped_timestamp.sta")
    assert ":26:37 Fo?25lgenr. 007" in st.lines[0].detail_lines
    (st,) = statements("wolph-mt940/self-provided_transaction_details_wrapped.sta")
    assert st.lines[0].detail_lines[-1] == ":12:11"


def test_wolph_broken_snippet(parse_corpus: Callable) -> None:  # type: ignore[type-arg]
    result = parse_corpus("wolph-mt940/betterplace_sepa_snippet_broken.sta")
    (st,) = result.statements
    assert st.account == "50880050/0194787400888"  # the garbage second :25: is ignored…
    assert "repeated_tag" in [d.code for d in result.diagnostics]  # …with a diagnostic
    assert [ln.amount for ln in st.lines] == [D("50990.05")]
    assert bal(st.opening_balance) == (date(2007, 9, 3), D("766656.49"))
    assert st.closing_balance and st.closing_balance.amount == D("1125250.40")
    assert [b.amount for b in st.other_balances] == [D("559614.51")]


def test_wolph_currency_in_25(statements: Statements) -> None:
    (st,) = statements("wolph-mt940/betterplace_currency_in_25.sta")
    assert st.account == "51210600/9223382012EUR"  # no currency known to strip
