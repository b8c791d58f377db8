"""The quality benchmark's scenarios for ambiguous amounts and payments in transit:
the bundle really has debtors with two open items of the same amount and the lines
paying them are ambiguous; the sent batches are valid pain.001 / pain.008 files whose
items are open items nobody else pays; every in-transit line names a generated batch
(by batch id in one-total mode, by end-to-end id item by item); and the matching engine,
given the books as ``bankbridge batches add`` leaves them, books exactly what the truth
says may be booked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bankbridge.demo.generate import Shape, generate
from bankbridge.demo.scenarios import Books as ScenarioBooks
from bankbridge.demo.scenarios import Scenario, Truth, scenario, statements
from bankbridge.ledger.bundle import SPECS
from bankbridge.ledger.bundle_files import RowReader
from bankbridge.matching import Books, InTransitBatch, InTransitItem, LineInput, decide
from bankbridge.payments import pain
from bankbridge.payments.model import PaymentMessage
from bankbridge.statements.model import StatementLine
from pain_samples import schema_errors

DAYS = 7


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bundle")
    generate(folder, Shape(administrations=3, relations_per_administration=60))
    return folder


@pytest.fixture(scope="module")
def made(bundle: Path) -> Scenario:
    return scenario(bundle, days=DAYS)


@pytest.fixture(scope="module")
def messages(made: Scenario) -> dict[str, PaymentMessage]:
    return {f.name: pain.read(f.data, source=f.name) for f in made.pain_files}


def lines(made: Scenario, *kinds: str) -> Iterator[tuple[str, StatementLine, Truth]]:
    """(administration, line, truth) of the lines of ``kinds`` (all when none given)."""
    for journal, statement, truths in made.statements:
        for line, truth in zip(statement.lines, truths, strict=True):
            if not kinds or truth.kind in kinds:
                yield journal.administration, line, truth


def rows(bundle: Path, name: str) -> list[Any]:
    errors: list[Any] = []
    out = [record for _line, record in RowReader(bundle / name, SPECS[name], errors)]
    assert errors == []
    return out


def test_the_bundle_has_debtors_with_two_open_items_of_the_same_amount(bundle: Path) -> None:
    books = ScenarioBooks.read(bundle)
    used: set[tuple[str, str]] = set()
    books.find_twins(used)
    assert set(books.twins) == {"A1", "A2", "A3"}
    for adm, pairs in books.twins.items():
        for first, second in pairs:
            assert first.relation == second.relation
            assert first.amount == second.amount > 0
            assert first.invoice_number != second.invoice_number
            relation = books.relations[(adm, first.relation)]
            assert relation.kind.value == "debtor"
            assert not relation.blocked
            assert (adm, first.relation) in books.accounts
            assert {(adm, first.invoice_number), (adm, second.invoice_number)} <= used


def test_ambiguous_lines_pay_an_amount_two_items_share_and_name_neither(bundle: Path, made: Scenario) -> None:
    items = rows(bundle, "open_items.csv")
    accounts = {(a.administration, a.iban): a.relation for a in rows(bundle, "relation_bank_accounts.csv")}
    invoices = {i.invoice_number for i in items}
    found = list(lines(made, "ambiguous"))
    assert {adm for adm, _, _ in found} == {"A1", "A2", "A3"}
    for adm, line, truth in found:
        assert truth.status != "booked"
        relation = accounts[(adm, line.counterparty_iban)]
        same = [i for i in items if (i.administration, i.relation, i.amount) == (adm, relation, line.amount)]
        assert len(same) >= 2
        assert line.payment_reference is None
        assert not any(word in invoices for word in (line.description or "").split())
        assert not any(c.isdigit() for c in line.description or "")


def test_batch_files_are_valid_pain_and_route_to_our_journals(bundle: Path, made: Scenario) -> None:
    journals = {j.iban: j for j in rows(bundle, "journals.csv")}
    administrations = {a.code: a for a in rows(bundle, "administrations.csv")}
    kinds: Counter[tuple[str, str, bool]] = Counter()
    for file in made.pain_files:
        assert schema_errors(file.data) == [], file.name
        message = pain.read(file.data, source=file.name)
        assert message.version == ("pain.001.001.03" if message.kind == "payment" else "pain.008.001.02")
        for batch in message.batches:
            journal = journals[batch.account_iban]
            adm = administrations[journal.administration]
            assert adm.in_transit_gl_account
            per_item = adm.payments_in_transit if batch.kind == "payment" else adm.direct_debit_in_transit
            assert batch.batch_booking is (not per_item)
            assert len(batch.items) >= 2
            assert all(i.end_to_end_id for i in batch.items)
            if batch.kind == "direct_debit":
                assert all(i.mandate_id and i.reference for i in batch.items)
            kinds[(journal.administration, batch.kind, per_item)] += 1
    # every administration sends both kinds; A1 books them item by item, the others as one total
    assert set(kinds) == {(a, k, a == "A1") for a in ("A1", "A2", "A3") for k in ("payment", "direct_debit")}


def test_batch_items_are_open_items_no_other_line_pays(bundle: Path, made: Scenario) -> None:
    open_items = {(i.administration, i.invoice_number): i for i in rows(bundle, "open_items.csv")}
    in_batches = set()
    for sent in made.batches:
        assert sent.kind in ("payment", "direct_debit")
        for transfer, item in zip(sent.batch.transfers, sent.items, strict=True):
            key = (item.administration, item.invoice_number)
            assert key not in in_batches
            in_batches.add(key)
            assert open_items[key] == item
            assert transfer.amount == item.amount > 0
            relation_kind = "2" if sent.kind == "payment" else "1"  # creditors 2nnnn, debtors 1nnnn
            assert item.relation.startswith(relation_kind)
    paid_by_lines = {(adm, n) for adm, _, t in lines(made) for n in t.invoices}
    assert not in_batches & paid_by_lines
    texts = [(adm, line) for adm, line, t in lines(made) if not t.kind.startswith(("in_transit", "returned"))]
    for adm, line in texts:
        for word in (line.description or "").split():
            assert (adm, word) not in in_batches, line


def test_every_in_transit_line_names_a_generated_batch_or_item(made: Scenario, messages: dict[str, Any]) -> None:
    batches = {(b.batch_id): (m.kind, b) for m in messages.values() for b in m.batches}
    items = {i.end_to_end_id: (m.kind, i) for m in messages.values() for b in m.batches for i in b.items}
    reported_batches: Counter[str] = Counter()
    reported_items: Counter[str] = Counter()
    for _adm, line, truth in lines(made, "in_transit_total"):
        assert (truth.status, truth.rule, truth.invoices) == ("booked", "in_transit", ())
        assert line.batch_id is not None and line.end_to_end_id is None
        kind, batch = batches[line.batch_id]
        assert line.amount == (batch.total if kind == "direct_debit" else -batch.total)
        assert line.batch_count == len(batch.items)
        reported_batches[line.batch_id] += 1
    for _adm, line, truth in lines(made, "in_transit_item"):
        assert (truth.status, truth.rule, truth.invoices) == ("booked", "in_transit", ())
        assert line.end_to_end_id is not None and line.batch_id is None
        kind, item = items[line.end_to_end_id]
        assert line.amount == (item.amount if kind == "direct_debit" else -item.amount)
        assert line.counterparty_iban == item.counterparty_iban
        reported_items[line.end_to_end_id] += 1
    # each batch is reported exactly once: as one total, or every item once
    assert set(reported_items.values()) == {1}
    for batch_id, (_kind, batch) in batches.items():
        ids = [i.end_to_end_id for i in batch.items]
        assert reported_batches[batch_id] + min(reported_items[e or ""] for e in ids) == 1, batch_id
        assert reported_batches[batch_id] == 0 or not any(reported_items[e or ""] for e in ids)
    returns = list(lines(made, "returned_direct_debit"))
    assert sorted(adm for adm, _, _ in returns) == ["A1", "A2", "A3"]
    for _adm, line, truth in returns:
        assert truth.status != "booked"
        kind, item = items[line.end_to_end_id or ""]
        assert (kind, line.amount, line.return_reason) == ("direct_debit", -item.amount, "MD06")


def test_the_engine_books_what_the_truth_says_and_nothing_else(bundle: Path, made: Scenario) -> None:
    """The books as ``batches add`` leaves them (batch items settled, batches in transit),
    every line decided at once: no wrong booking, every bookable line of the new kinds
    booked, every ambiguous line and return only proposed."""
    sent_items = {(i.administration, i.invoice_number) for s in made.batches for i in s.items}
    in_transit = [
        InTransitBatch(
            s.batch.batch_id,
            s.journal.administration,
            "payment" if s.kind == "payment" else "direct_debit",
            s.batch.total,
            tuple(
                InTransitItem(t.end_to_end_id, i.relation, i.invoice_number, t.amount)
                for t, i in zip(s.batch.transfers, s.items, strict=True)
            ),
        )
        for s in made.batches
    ]
    journals = rows(bundle, "journals.csv")
    books = Books.build(
        administrations=rows(bundle, "administrations.csv"),
        journals=journals,
        gl_accounts=rows(bundle, "gl_accounts.csv"),
        relations=rows(bundle, "relations.csv"),
        relation_bank_accounts=rows(bundle, "relation_bank_accounts.csv"),
        open_items=[
            i for i in rows(bundle, "open_items.csv") if (i.administration, i.invoice_number) not in sent_items
        ],
        transaction_codes=rows(bundle, "transaction_codes.csv"),
        allocations=rows(bundle, "allocations.csv"),
        in_transit=in_transit,
    )
    entries: list[LineInput] = []
    truths: list[Truth] = []
    for journal, statement, day_truths in made.statements:
        for line, truth in zip(statement.lines, day_truths, strict=True):
            entries.append(
                LineInput(
                    len(entries) + 1, journal.administration, journal.code, journal.bic, journal.iban, "EUR", line
                )
            )
            truths.append(truth)
    booked: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for decision, truth in zip(decide(entries, books), truths, strict=True):
        total[truth.kind] += 1
        if decision.status != "booked":
            if truth.kind in ("ambiguous", "returned_direct_debit"):
                assert (decision.status, decision.rule) == ("proposed", truth.rule), decision.evidence
            continue
        booked[truth.kind] += 1
        assert truth.status == "booked", (truth.kind, decision.evidence)
        assert decision.rule == truth.rule, (truth.kind, decision.evidence)
        settled = sorted(s.invoice_number for s in decision.settlements)
        if truth.rule == "in_transit":
            assert settled == [], decision.evidence
            assert decision.postings[1].gl_account == "1650"
        elif truth.invoices:
            assert settled == sorted(truth.invoices), (truth.kind, decision.evidence)
    for kind in ("in_transit_total", "in_transit_item"):
        assert total[kind] > 0
        assert booked[kind] == total[kind], kind
    assert total["ambiguous"] > 0
    assert booked["ambiguous"] == booked["returned_direct_debit"] == 0


def test_the_same_seed_gives_the_same_files(bundle: Path, made: Scenario) -> None:
    again = scenario(bundle, days=DAYS)
    assert [(f.name, f.data) for f in again.pain_files] == [(f.name, f.data) for f in made.pain_files]
    assert [s for _, s, _ in again.statements] == [s for _, s, _ in made.statements]


def test_statements_alone_send_no_batches(bundle: Path) -> None:
    kinds = {t.kind for _, _, truths in statements(bundle, days=DAYS) for t in truths}
    assert "ambiguous" in kinds
    assert not {k for k in kinds if k.startswith(("in_transit", "returned"))}


def test_amounts_are_decimal(made: Scenario) -> None:
    assert all(isinstance(line.amount, Decimal) for _, line, _ in lines(made))
    assert all(isinstance(t.amount, Decimal) for s in made.batches for t in s.batch.transfers)
