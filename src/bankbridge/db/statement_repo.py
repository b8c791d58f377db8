"""Statements and their lines in the database: daily statements, duplicate look-ups, bulk
line inserts, and reads that always take the caller's :class:`Access` (R-F2)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from itertools import chain, islice
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, text, true, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from bankbridge.db import schema
from bankbridge.ledger.access import Access
from bankbridge.ledger.lines import LINE_COLUMNS, LineRecord
from bankbridge.ledger.model import Journal, NewLines, StoredStatement

LOOKUP_CHUNK = 500
_LINE_HEAD = ("statement_id", "account_iban", "source_file", "position")
_LINE_INSERT_COLUMNS = _LINE_HEAD + LINE_COLUMNS


def _journal(row: Any) -> Journal:
    data = dict(row._mapping)
    data.pop("environment")
    return Journal(**data)


def _journal_key(journal: Journal) -> dict[str, Any]:
    return {"administration_": journal.administration, "journal_": journal.code}


_S, _L, _J = schema.statements, schema.statement_lines, schema.journals
_OF_JOURNAL = (_S.c.administration == bindparam("administration_"), _S.c.journal == bindparam("journal_"))
_LAST_POSITION = select(func.coalesce(func.max(_L.c.position), 0)).where(_L.c.statement_id == _S.c.id)
_DAILY = select(
    _S.c.id, _S.c.status, _S.c.closing_minor, _S.c.warnings, _LAST_POSITION.scalar_subquery().label("last")
).where(*_OF_JOURNAL, _S.c.statement_date == bindparam("day"))
_DAYS = select(
    _S.c.id,
    _S.c.statement_date,
    _S.c.status,
    _S.c.closing_minor,
    _S.c.warnings,
    _LAST_POSITION.scalar_subquery().label("last"),
).where(*_OF_JOURNAL, _S.c.statement_date.between(bindparam("first"), bindparam("last_day")))
_PREVIOUS = (
    select(_S.c.statement_date, _S.c.closing_minor)
    .where(*_OF_JOURNAL, _S.c.statement_date < bindparam("day"))
    .order_by(_S.c.statement_date.desc())
    .limit(1)
)
_NEXT_VOUCHER = (
    update(_J)
    .where(_J.c.administration == bindparam("administration_"), _J.c.code == bindparam("journal_"))
    .values(voucher_counter=_J.c.voucher_counter + 1)
    .returning(_J.c.voucher_counter)
)
_CREATE = _S.insert().returning(_S.c.id)
_OF_COUNTER = (_J.c.administration == bindparam("administration_"), _J.c.code == bindparam("journal_"))
_COUNTER = select(_J.c.voucher_counter).where(*_OF_COUNTER)
_SET_COUNTER = update(_J).where(*_OF_COUNTER).values(voucher_counter=bindparam("counter_"))
_UPDATE = update(_S).where(_S.c.id == bindparam("statement_id_"))


class StatementRepository:
    """Statements of one connection (the caller owns the transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- journals ------------------------------------------------------------------

    def journals(self) -> list[Journal]:
        """Every bank journal (few: one per bank account)."""
        return [_journal(r) for r in self.conn.execute(select(schema.journals))]

    def lock_journal(self, journal: Journal) -> None:
        """Serialise writers of one bank journal until the transaction ends (PostgreSQL
        advisory lock; SQLite has one writer at a time anyway)."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:iban))"), {"iban": journal.iban})

    def next_voucher(self, journal: Journal) -> int:
        """Raise the journal's voucher counter by one and return the new value (R-A4)."""
        return int(self.conn.execute(_NEXT_VOUCHER, _journal_key(journal)).scalar_one())

    # --- daily statements ----------------------------------------------------------
    # The statements below are built once (module level), so SQLAlchemy compiles each
    # once and a call costs only its execution: import runs them for every daily statement.

    def daily_statement(self, journal: Journal, day: date) -> StoredStatement | None:
        row = self.conn.execute(_DAILY, {**_journal_key(journal), "day": day}).first()
        if row is None:
            return None
        return StoredStatement(
            row.id, journal.administration, journal.code, day, row.status, row.closing_minor, row.last, row.warnings
        )

    def daily_statements(self, journal: Journal, first: date, last: date) -> list[StoredStatement]:
        """The journal's daily statements dated ``first`` … ``last``."""
        rows = self.conn.execute(_DAYS, {**_journal_key(journal), "first": first, "last_day": last})
        return [
            StoredStatement(
                r.id,
                journal.administration,
                journal.code,
                r.statement_date,
                r.status,
                r.closing_minor,
                r.last,
                r.warnings,
            )
            for r in rows
        ]

    def previous_closing(self, journal: Journal, day: date) -> tuple[date, int | None] | None:
        """Date and closing balance of the journal's last statement before ``day``."""
        row = self.conn.execute(_PREVIOUS, {**_journal_key(journal), "day": day}).first()
        return None if row is None else (row.statement_date, row.closing_minor)

    def create_statement(self, values: dict[str, Any]) -> int:
        return int(self.conn.execute(_CREATE, values).scalar_one())

    def create_statements(self, values: Sequence[dict[str, Any]]) -> list[int]:
        """Insert statements in one go; their ids in the order given. At driver level, the
        ids taken first (:func:`new_ids`): an import of a million lines creates a statement
        per account and day (58,580), and SQLAlchemy's many-row insert with ``RETURNING``
        took about 50 µs a statement. Values are written as SQLAlchemy writes them (each
        column's own bind processor), a key left out takes the column's default."""
        if not values:
            return []
        ids = new_ids(self.conn, schema.statements.name, len(values))
        columns = _statement_columns(self.conn)
        rows = [
            (i, *(write(v[name]) if name in v else default for name, write, default in columns))
            for i, v in zip(ids, values, strict=True)
        ]
        insert_tuples(self.conn, schema.statements.name, ("id", *(c[0] for c in columns)), rows)
        return ids

    def voucher_counter(self, journal: Journal) -> int:
        """The journal's voucher counter as it is now (the caller holds the journal's lock)."""
        return int(self.conn.execute(_COUNTER, _journal_key(journal)).scalar_one())

    def set_voucher_counter(self, journal: Journal, value: int) -> None:
        self.conn.execute(_SET_COUNTER, {**_journal_key(journal), "counter_": value})

    def update_statement(self, statement_id: int, values: dict[str, Any]) -> None:
        self.conn.execute(_UPDATE, {**values, "statement_id_": statement_id})

    def add_raw(self, statement_id: int, source_file: str, text: str, source_line: int | None) -> None:
        self.add_raws([(statement_id, source_file, text, source_line)])

    def add_raws(self, rows: Sequence[tuple[int, str, str, int | None]]) -> None:
        """Raw records ``(statement id, source file, text, source line)`` in bulk."""
        if rows:
            columns = ("statement_id", "source_file", "text", "source_line")
            insert_tuples(self.conn, schema.raw_records.name, columns, rows)

    # --- lines ---------------------------------------------------------------------

    def existing_identities(self, account_iban: str, identities: Sequence[str]) -> set[str]:
        """Which of ``identities`` are already stored for the account."""
        li = schema.statement_lines
        found: set[str] = set()
        for start in range(0, len(identities), LOOKUP_CHUNK):
            chunk = list(identities[start : start + LOOKUP_CHUNK])
            rows = self.conn.execute(
                select(li.c.identity).where(li.c.account_iban == account_iban, li.c.identity.in_(chunk))
            )
            found.update(r.identity for r in rows)
        return found

    def dates_with_lines(self, account_iban: str, first: date, last: date) -> set[date]:
        """The dates between ``first`` and ``last`` on which the account has stored lines,
        in any journal (identities start with the line's date: a range of the unique index)."""
        li = schema.statement_lines
        low, high = first.strftime("%Y%m%d"), (last + timedelta(days=1)).strftime("%Y%m%d")
        prefix = func.substr(li.c.identity, 1, 8)
        query = (
            select(prefix)
            .where(li.c.account_iban == account_iban, li.c.identity >= low, li.c.identity < high)
            .distinct()
        )
        return {date(int(x[:4]), int(x[4:6]), int(x[6:8])) for x in self.conn.execute(query).scalars()}

    def add_lines(self, target: NewLines, first_position: int, records: Sequence[LineRecord]) -> None:
        """Insert the prepared ``records`` at positions ``first_position + 1 …`` in bulk
        (driver level: ``executemany`` or ``COPY``; no ORM objects, no per-row SQLAlchemy)."""
        self.add_line_groups([(target, first_position, records)])

    def add_line_groups(self, groups: Sequence[tuple[NewLines, int, Sequence[LineRecord]]]) -> None:
        """:meth:`add_lines` for many statements in one insert (one ``COPY`` on PostgreSQL)."""
        rows = [
            (target.statement_id, target.account_iban, target.source_file, position, *record)
            for target, first_position, records in groups
            for position, record in enumerate(records, start=first_position + 1)
        ]
        if rows:
            insert_tuples(self.conn, schema.statement_lines.name, _LINE_INSERT_COLUMNS, rows)

    # --- reads with access control (R-F2) ----------------------------------------

    def line_rows(self, access: Access, *, administration: str | None = None) -> Iterator[dict[str, Any]]:
        """Every line the caller may see, with its statement's fields: what the export
        record shows of a line (not its raw text, details or candidates)."""
        s, li, j, d = schema.statements, schema.statement_lines, schema.journals, schema.line_decisions
        query = (
            select(
                *(li.c[name] for name in _EXPORT_LINE_COLUMNS),
                line_status(d).label("status"),
                d.c.rule,
                d.c.evidence,
                s.c.administration,
                s.c.journal,
                s.c.statement_number,
                s.c.statement_date,
            )
            .join(s, s.c.id == li.c.statement_id)
            .join(j, and_(j.c.administration == s.c.administration, j.c.code == s.c.journal))
            .outerjoin(d, d.c.line_id == li.c.id)
            .where(access_clause(access, s.c.administration))
            .order_by(s.c.administration, s.c.journal, s.c.statement_date, li.c.position)
        )
        if administration is not None:
            access.require(administration)
            query = query.where(s.c.administration == administration)
        yield from as_dicts(self.conn.execute(query.execution_options(yield_per=2000)))

    def bookings(
        self, access: Access, *, administration: str | None = None
    ) -> Iterator[tuple[dict[str, Any], dict[str, list[dict[str, Any]]] | None]]:
        """Every line the caller may see with the postings and settlements booked for it."""
        rows = self.line_rows(access, administration=administration)
        for chunk in _chunks(rows, LOOKUP_CHUNK):
            booked = entries_by_line(self.conn, [row["id"] for row in chunk])
            for row in chunk:
                yield row, booked.get(row["id"])


def entries_by_line(conn: Connection, line_ids: Sequence[int]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Postings and settlements of the (not reversed) journal entries of these lines."""
    e, p, st = schema.journal_entries, schema.postings, schema.settlements
    out: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for start in range(0, len(line_ids), LOOKUP_CHUNK):
        chunk = list(line_ids[start : start + LOOKUP_CHUNK])
        live = and_(e.c.statement_line_id.in_(chunk), e.c.reversed_at.is_(None))
        postings = select(e.c.statement_line_id, e.c.currency, p).join(p, p.c.entry_id == e.c.id).where(live)
        settlements = (
            select(e.c.statement_line_id, e.c.currency, st)
            .join(st, st.c.entry_id == e.c.id)
            .where(live, st.c.reopened.is_(False))
        )
        for kind, query in (("postings", postings.order_by(p.c.id)), ("settlements", settlements.order_by(st.c.id))):
            for row in as_dicts(conn.execute(query)):
                out.setdefault(row["statement_line_id"], {"postings": [], "settlements": []})[kind].append(row)
    return out


_EXPORT_LINE_COLUMNS = (
    "id",
    "account_iban",
    "currency",
    "booking_date",
    "value_date",
    "amount_minor",
    "counterparty_iban",
    "counterparty_name",
    "bank_reference",
    "end_to_end_id",
    "description",
    "bank_code",
)


def as_dicts(result: Any) -> Iterator[dict[str, Any]]:
    """A result's rows as dictionaries, the column names taken once (``row._mapping``
    builds its key view anew for every row: a fifth of an export's time)."""
    keys = tuple(result.keys())
    for row in result:
        yield dict(zip(keys, row, strict=True))


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def new_ids(conn: Connection, table: str, count: int) -> list[int]:
    """Ids for ``count`` new rows of ``table`` (an integer ``id`` key), taken before they
    are inserted: from the id sequence on PostgreSQL; on SQLite the next ones after the
    largest, as SQLite would give them (the transaction writes: another writer cannot
    insert before it commits, and a stale snapshot cannot start writing)."""
    name = schema.metadata.tables[table].name  # one of ours, never text from outside
    if conn.dialect.name == "postgresql":
        sql = f"SELECT nextval(pg_get_serial_sequence('{name}', 'id')) FROM generate_series(1, ?)"  # noqa: S608
        return [int(r[0]) for r in select_tuples(conn, sql, [count])]
    (largest,) = select_tuples(conn, f"SELECT coalesce(max(id), 0) FROM {name}", [])[0]  # noqa: S608
    return list(range(int(largest) + 1, int(largest) + 1 + count))


def unchanged(value: Any) -> Any:
    """A bind processor that writes the value as it is."""
    return value


def _statement_columns(conn: Connection) -> list[tuple[str, Any, Any]]:
    """``(name, bind processor, default)`` of every column of ``statements`` but the id,
    for this connection's dialect."""
    dialect = conn.dialect
    out = []
    for column in schema.statements.columns:
        if column.name == "id":
            continue
        write = column.type.dialect_impl(dialect).bind_processor(dialect) or unchanged
        default = column.default.arg if column.default is not None and column.default.is_scalar else None  # type: ignore[attr-defined]
        out.append((column.name, write, write(default) if default is not None else None))
    return out


def insert_tuples(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows at driver level: ``COPY`` on PostgreSQL, multi-row ``INSERT`` on
    SQLite (:func:`insert_rows`).

    SQLAlchemy's per-row parameter processing costs more than the database's own work at
    this volume (see bench/import_bench.py); the rows go in the caller's transaction.
    Dates reach SQLite as ISO text through the adapter :mod:`bankbridge.db.engine` registers.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    insert_rows(raw, f"INSERT INTO {table} ({names})", len(columns), rows)


ROWS_PER_INSERT = 100
"""Rows per ``INSERT … VALUES (…), (…), …`` on SQLite (:func:`insert_rows`)."""
VALUES_PER_INSERT = 999
"""Values bound to one SQLite statement at most: the limit of SQLite builds before 3.32."""


def insert_many(conn: Connection, head: str, rows: Sequence[Sequence[Any]], tail: str = "") -> None:
    """``head VALUES (…) tail`` for every row, in the caller's transaction: groups of rows
    a statement on SQLite (:func:`insert_rows`), ``executemany`` on PostgreSQL (for an
    ``ON CONFLICT`` tail, which ``COPY`` cannot take)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        execute_many(conn, f"{head} VALUES ({', '.join('?' * len(rows[0]))}){tail}", rows)
        return
    insert_rows(conn.connection.driver_connection, head, len(rows[0]), rows, tail)


def insert_rows(raw: Any, head: str, width: int, rows: Sequence[Sequence[Any]], tail: str = "") -> None:
    """``head VALUES (…), (…), … tail`` on a SQLite connection, for rows of ``width``
    values in groups of up to :data:`ROWS_PER_INSERT`: one statement run inserts a group.
    Each run has a cost of its own in SQLite (begin, halt, reset) and in the driver; run
    per row, it was about a fifth of inserting a narrow row. ``tail`` may be an
    ``ON CONFLICT`` clause: it acts row by row, as with one row per statement. (The values
    may also be an ``UPDATE … FROM (VALUES …) AS d WHERE …``'s: ``head`` ends with
    ``FROM (``, ``tail`` starts with ``) AS d``.)"""
    if not rows:
        return
    if set(map(len, rows)) != {width}:  # a short row would shift every value after it
        raise ValueError(f"{head}: every row must have {width} values")
    per = max(1, min(ROWS_PER_INSERT, VALUES_PER_INSERT // width))
    row = f"({', '.join('?' * width)})"
    groups, rest = divmod(len(rows), per)
    values = chain.from_iterable(rows)
    if groups:
        size = per * width
        sql = f"{head} VALUES {', '.join([row] * per)}{tail}"
        raw.executemany(sql, [tuple(islice(values, size)) for _ in range(groups)])
    if rest:
        raw.execute(f"{head} VALUES {', '.join([row] * rest)}{tail}", tuple(values))


def execute_many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run one statement (``?`` placeholders) for many parameter tuples at driver level."""
    if not rows:
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), rows)
        return
    raw.executemany(sql, rows)


def select_tuples(conn: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of one query (``?`` placeholders) as plain tuples, at driver level."""
    raw = conn.connection.driver_connection
    assert raw is not None
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), params)
            return list(cur.fetchall())
    return list(raw.execute(sql, params).fetchall())


def line_status(decisions: Any) -> Any:
    """A line's status in SQL: its decision's (``line_decisions`` outer-joined as
    ``decisions``), ``open`` for a line without one."""
    return func.coalesce(decisions.c.status, "open")


def not_booked(decisions: Any) -> Any:
    """The SQL condition "the line is not booked" (``line_decisions`` outer-joined)."""
    return or_(decisions.c.status.is_(None), decisions.c.status != "booked")


class Unindexed(ColumnElement[Any]):
    """A column that SQLite's planner is not to look up by an index: ``+column`` on SQLite
    (the documented way to keep a term from using one), the column itself elsewhere. For a
    condition that would make the planner pick an index that then needs a sort of every
    row read, where another index gives them in order."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 (as SQLAlchemy declares it)

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(Unindexed)
def _unindexed(element: Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(Unindexed, "sqlite")
def _unindexed_sqlite(element: Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def access_clause(access: Access, column: Any) -> Any:
    """The SQL condition "administration is one the caller may see"."""
    if access.administrations is None:
        return true()
    return column.in_(sorted(access.administrations))
