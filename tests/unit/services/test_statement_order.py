"""A file's statements are stored per account in date order (``date_order``): some
banks export the newest first; the order of the accounts in the file and of statements
of the same day stays as written."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bankbridge.statements.daily import date_order, first_date
from bankbridge.statements.model import Balance, Statement, StatementLine

DAY0 = date(2026, 11, 1)


def in_date_order(statements: list[Statement]) -> list[Statement]:
    """The statements in the order the import stores them."""
    return [statements[i] for i in date_order(statements)]


def statement(account: str, day: int, number: str, *, dated_lines: bool = True) -> Statement:
    when = DAY0 + timedelta(days=day)
    line = StatementLine(Decimal("1.00"), booking_date=when if dated_lines else None)
    return Statement(
        format="mt940",
        account=account,
        currency="EUR",
        lines=(line,),
        statement_number=number,
        closing_balance=Balance(when, Decimal("1.00")),
    )


def test_newest_first_becomes_oldest_first_per_account_in_the_same_places() -> None:
    written = [
        statement("NL-A", 3, "a3"),
        statement("NL-B", 9, "b9"),
        statement("NL-A", 2, "a2"),
        statement("NL-A", 1, "a1"),
        statement("NL-B", 8, "b8"),
    ]
    ordered = in_date_order(written)
    assert [s.statement_number for s in ordered] == ["a1", "b8", "a2", "a3", "b9"]
    assert [s.account for s in ordered] == [s.account for s in written]


def test_first_date_of_lines_else_of_balances() -> None:
    assert first_date(statement("NL-A", 4, "x")) == DAY0 + timedelta(days=4)
    assert first_date(statement("NL-A", 5, "y", dated_lines=False)) == DAY0 + timedelta(days=5)
    empty = Statement(format="mt940", account="NL-A", currency="EUR")
    assert first_date(empty) == date.min


@given(st.lists(st.tuples(st.sampled_from(["NL-A", "NL-B", "NL-C"]), st.integers(0, 5)), max_size=30))
def test_a_stable_reorder_within_each_account(spec: list[tuple[str, int]]) -> None:
    written = [statement(account, day, str(n)) for n, (account, day) in enumerate(spec)]
    ordered = in_date_order(written)
    assert sorted(s.statement_number or "" for s in ordered) == sorted(s.statement_number or "" for s in written)
    assert [s.account for s in ordered] == [s.account for s in written]
    for account in ("NL-A", "NL-B", "NL-C"):
        mine = [s for s in ordered if s.account == account]
        keys = [(first_date(s), int(s.statement_number or 0)) for s in mine]
        assert keys == sorted(keys)  # by date; one day's statements in the order written
