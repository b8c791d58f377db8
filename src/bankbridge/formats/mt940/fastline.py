"""The reader's fast path for Rabobank entries: a run of ``:61:`` entries matched by
:data:`~bankbridge.formats.mt940.tokens.RUN_ENTRY` (``COMMON_ENTRY`` with a Rabobank label
as customer reference and a ``:86:`` starting with ``/``) whose ``:86:`` holds code words.

The run reader (``RUN[0]``, used by ``Reader._rabobank_entries``) reads such entries one
after another and makes each ``StatementLine`` straight from the match's groups, without
the intermediate :class:`~bankbridge.formats.mt940.fields.Entry` or ``Details``: the steps
of ``fields.new_entry``, ``RabobankDialect.refine`` (``dialects.base.apply_code_words``)
and ``Reader._add_line``, in their order, then the construction of the frozen line
through its slots (``records.py``). It is Python written out once per set of *layouts*:
when every code-word value of a ``:86:`` is one piece of ``text.split("/")`` (no ``/``
inside a value), the code words stand at the odd positions, and those code words are its
layout. Each layout gets its code words' rules written out on local variables, so a
line costs a few dozen plain Python operations.

It only takes what it can read without a possible error or diagnostic: dates that need
no clamping (:func:`entry_dates`; ``fields`` remembers them), a known layout, and
none of the rules it does not write out (``/CNTP/``, a value right after ``/ULTD/``, a
counter account in the customer reference). At any other entry it stops: the reader
matches that one with ``COMMON_ENTRY``, and :func:`rabobank_line` reads it the same way
through ``Details`` (and notes its layout: the run reader is made anew with it once the
layout recurs), or the reader takes the general way, which reports errors and clamped
dates as always.
``test_mt940_fastpath.py`` requires the same statements, diagnostics and errors both ways.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from bankbridge.formats.mt940.codewords import CODE_WORD_SET
from bankbridge.formats.mt940.dialects.base import (
    _KIND,
    _SIMPLE,
    DETAIL_FIELDS,
    Details,
    apply_code_words,
    counterparty_account,
    is_bic,
    none_if_empty,
    reference_type,
)
from bankbridge.formats.mt940.dialects.rabobank import refine_counterparty, supplementary_account
from bankbridge.formats.mt940.fields import DATES, FieldError, booking_date, looks_like_iban, parse_yymmdd
from bankbridge.formats.mt940.records import FAST, LINE_FIELDS, LineSlots, SourceSlots
from bankbridge.statements.model import Source, StatementLine

Groups = tuple[str | None, ...]
"""The groups of a ``COMMON_ENTRY`` match: value date, entry date, mark, amount, type,
customer reference, bank reference, further ``:61:`` lines, ``:86:`` lines."""
MatchAt = Callable[[str, int], "re.Match[str] | None"]
Append = Callable[[StatementLine], None]
Run = Callable[[str, int, int, MatchAt, Append, "str | None", int, str], "tuple[int, int]"]
"""A run reader: ``run(block, pos, number, match_at, append, currency, digits, file)``
reads the regular entries of a statement from ``pos`` of ``block`` (``number``: the lines
before ``pos``; ``match_at``: ``RUN_ENTRY.match``), appending their lines, up to the first
it does not take; it returns where that is and the lines before it."""
_MISSING = object()

_DETAIL_FIELDS = tuple(name for name in DETAIL_FIELDS if name != "extra")
"""The fields a ``Details`` carries, written out as locals by the run reader."""
_ULTIMATE = {"ULTD": "ultimate_debtor", "ULTC": "ultimate_creditor", "ULTB": "ultimate_creditor"}
_HEAD = """\
def run(block, pos, number, match_at, append, currency, digits, file):
    comma = -(digits or 1) - 1  # where the "," of an amount with those decimals is
    after_comma = comma + 1
    last_vdate = last_edate = None  # the dates of the entry before (entries share them)
    while True:
        match = match_at(block, pos)
        if match is None:
            return pos, number
        vdate, edate, mark, amount, code, cref, bref, rest, info, spaced, more_spaced = match.groups()
        if vdate != last_vdate or edate != last_edate:
            dates = entry_dates(vdate, edate)
            if dates is None:
                return pos, number
            value_date, booking_date = dates
            last_vdate, last_edate = vdate, edate
        lines = info.split("\\n")
        del lines[-1]  # the empty text after the last line end
        p = "".join(lines).split("/")  # p[0] == "": the :86: starts with "/"
        {fields} = None
        extra = ()
        size = len(p)
"""
_TAIL = """\
if "/" not in bref:
    bank_reference = bref.strip() or None
    if rest and counterparty_iban is None:  # the counter account on the further :61: lines
        counterparty_iban = REST_ACCOUNTS.get(rest, MISSING)
        if counterparty_iban is MISSING:
            counterparty_iban = rest_account(rest)
else:
    head, _, tail = bref.partition("/")
    bank_reference = head.strip() or None
    supplementary = "/" + tail + "\\n" + rest[:-1] if rest else "/" + tail
    if counterparty_iban is None:
        counterparty_iban = supplementary_account(supplementary)
    if counterparty_iban is None:
        candidate = supplementary.split("\\n", 1)[0].strip()
        if looks_like_iban(candidate):
            counterparty_iban = candidate
if description is None and end_to_end_id:
    description = end_to_end_id
if bank_reference is None or (len(bank_reference) == 6 and bank_reference.upper() == "NONREF"):
    bank_reference = end_to_end_id
if amount[comma:after_comma] == ",":  # as many decimals as the currency has (or 1)
    amount = Decimal(amount.replace(",", "."))
    if mark == "D" and amount:  # not zero: negative (copy_negate is exact, whatever the context)
        amount = amount.copy_negate()
else:
    whole, _, fraction = amount.partition(",")
    if len(fraction) < digits:
        fraction += "0" * (digits - len(fraction))
    number_text = whole + "." + fraction if fraction else whole
    if mark == "D" and number_text.strip("0."):
        number_text = "-" + number_text
    amount = Decimal(number_text)
end = match.end()
source = new(SourceSlots)
source.file = file
source.line = number + 1
source.path = None
source.__class__ = Source
o = new(LineSlots)
o.amount = amount
o.booking_date = booking_date
o.value_date = value_date
o.currency = currency
o.bank_reference = bank_reference
o.customer_reference = cref or None  # one of LABELS
o.bank_code = code  # N and three letters or digits
o.iso_code = None
o.charges = None
o.reversal = False
o.items = ()
o.detail_lines = tuple(lines) if spaced is None and more_spaced is None else detail_lines(info)
o.extra = extra
o.raw = block[pos : end - 1]
o.source = source
o.payment_reference_type = payment_reference_type if payment_reference else None
{stores}
o.__class__ = StatementLine
append(o)
number += (rest.count("\\n") if rest else 0) + len(lines) + 1  # the :61:, its further lines, the :86:
pos = end
continue
"""
DECLINE = "return pos, number"
_VALUE = '(v if len(v) != 11 or v.upper() != "NOTPROVIDED" else None) if v else None'
"""``none_if_empty(v)`` of a stripped value ``v``, written out."""


_KIND_RULES = {
    0: ["if v:", "    extra += (({code!r}, v),)"],  # other code words: kept in extra
    4: [  # REMI (a one-piece value cannot start with "USTD/" or "STRD/")
        "if v and len(v) != 11:",
        "    description = v",
        "elif v:",
        "    description = none_if_empty(v) or description",
    ],
    5: ['payment_reference_type = "CUR" if v == "CUR" else reference_type(v)'],  # ISSR (v is stripped)
    9: ["if v.strip().isdigit():", "    batch_count = int(v)", "elif v:", "    extra += (({code!r}, v),)"],  # NRTX
}


def _party_rule(code: str, parent: str | None, known: set[str]) -> list[str]:
    """NAME, IBAN, BBAN, BIC (kinds 2 and 6 of ``dialects.base._KIND``) after ``parent``
    (``known``: the fields the rules before it may have set)."""
    if code == "NAME" and parent in _ULTIMATE:
        return [f"{_ULTIMATE[parent]} = {_VALUE}"]
    if code == "NAME" and "counterparty_name" not in known:  # still None: no test needed
        return [f"counterparty_name = {_VALUE}"]
    if code == "NAME":
        return [
            "if counterparty_name is None:",
            f"    counterparty_name = {_VALUE}",
        ]
    if parent in _ULTIMATE:
        return [f"extra += (({parent + ' ' + code!r}, v),)"]
    if code == "BIC":
        return ["if is_bic(v):", "    counterparty_bic = v"]
    return [
        "if v and not counterparty_iban:",
        "    account = counterparty_account(v)",
        "    if account is not None:",
        "        counterparty_iban = account",
    ]


def _rules(layout: tuple[str, ...]) -> list[str] | None:
    """``apply_code_words`` for ``layout`` on local variables (``v``: the value being
    read); ``None`` when a code word needs a rule that is not written out."""
    body: list[str] = []
    parent: str | None = None
    for k, code in enumerate(layout):
        kind = _KIND.get(code, 0)
        if kind == 3:  # BENM, ORDP, …: the parent of the NAME/IBAN/BIC that follow
            parent = code
            body += [f"if p[{2 * k + 2}] and p[{2 * k + 2}].strip():", f"    {DECLINE}"]  # _apply_parent_value
            continue
        body.append(f"v = p[{2 * k + 2}].strip()")
        known = set(re.findall(r"\w+", "\n".join(body)))
        if kind == 1:  # EREF and the other code words of one field
            body.append(f"{_SIMPLE[code]} = {_VALUE}")
        elif kind in (2, 6):
            body += _party_rule(code, parent, known)
        elif kind == 4 and "description" not in known:  # REMI: as below, with description still None
            body.append(f"description = {_VALUE}")
        elif kind in _KIND_RULES:
            body += [line.format(code=code) for line in _KIND_RULES[kind]]
        else:  # CNTP, ACCW
            return None
    return body


def _branch(layout: tuple[str, ...], rules: list[str], first: bool) -> list[str]:
    """The rules of the code words of ``layout``, under the test that the pieces are of
    that layout (``first``: the first test of its number of pieces)."""
    test = " and ".join(f"p[{2 * k + 1}] == {code!r}" for k, code in enumerate(layout))
    return [f"{'if' if first else 'elif'} {test}:", *(f"    {line}" for line in rules)]


def _compile(layouts: dict[tuple[str, ...], list[str]]) -> Run:
    """The run reader of ``layouts`` (each with its rules): by number of pieces, then
    layout, the rules of its code words; then what all entries share."""
    by_size: dict[int, list[str]] = {}
    for layout, rules in layouts.items():
        branches = by_size.setdefault(2 * len(layout) + 1, [])
        branches += _branch(layout, rules, not branches)
    lines = []
    for k, (size, branches) in enumerate(by_size.items()):
        lines += [f"{'if' if k == 0 else 'elif'} size == {size}:", *(f"    {line}" for line in branches)]
        lines += ["    else:", f"        {DECLINE}"]
    lines += ["else:", f"    {DECLINE}"]
    stores = "\n".join(f"o.{name} = {name}" for name in _DETAIL_FIELDS if name != "payment_reference_type")
    lines += _TAIL.format(stores=stores).rstrip("\n").split("\n")
    text = _HEAD.format(fields=" = ".join(_DETAIL_FIELDS)) + "".join(f"        {line}\n" for line in lines)
    scope: dict[str, Any] = {
        "MISSING": _MISSING,
        "REST_ACCOUNTS": REST_ACCOUNTS,
        "Decimal": Decimal,
        "LineSlots": LineSlots,
        "Source": Source,
        "SourceSlots": SourceSlots,
        "StatementLine": StatementLine,
        "counterparty_account": counterparty_account,
        "detail_lines": detail_lines,
        "entry_dates": entry_dates,
        "is_bic": is_bic,
        "looks_like_iban": looks_like_iban,
        "new": object.__new__,
        "none_if_empty": none_if_empty,
        "reference_type": reference_type,
        "rest_account": rest_account,
        "supplementary_account": supplementary_account,
    }
    # The text holds only known code words (CODE_WORD_SET), field names and the names above.
    exec(text, scope)  # noqa: S102
    run: Run = scope["run"]
    return run


REST_ACCOUNTS: dict[str, str | None] = {}
""":func:`rest_account` by its argument (counterparties recur)."""


def rest_account(rest: str) -> str | None:
    """The counter account that ``RabobankDialect.refine`` and ``Reader._add_line`` find in
    the further ``:61:`` lines ``rest`` (each ending in ``\\n``) when the bank reference
    has no ``/`` and the ``:86:`` named no account (remembered)."""
    supplementary = rest[:-1]
    account = supplementary_account(supplementary)
    if account is None:
        candidate = supplementary.split("\n", 1)[0].strip()
        if looks_like_iban(candidate):
            account = candidate
    if len(REST_ACCOUNTS) >= 4096:
        REST_ACCOUNTS.clear()
    REST_ACCOUNTS[rest] = account
    return account


def entry_dates(vdate: str, edate: str | None) -> tuple[date, date | None] | None:
    """The value and entry date of a ``:61:`` line (``YYMMDD``, ``MMDD`` or ``None``) as
    ``fields.new_entry`` makes them; ``None`` when one is invalid or needs clamping (the
    general way reports it)."""
    clamped: list[str] = []
    try:
        value = DATES.get(vdate) or parse_yymmdd(vdate, clamped=clamped)
        booking = None if edate is None else booking_date(value, vdate, edate, clamped)
    except FieldError:
        return None
    return None if clamped else (value, booking)


def detail_lines(info: str) -> tuple[str, ...]:
    """The ``detail_lines`` of an ``:86:`` (``info``: its lines, each ending in ``\\n``), as
    ``Reader._add_line`` makes them: each line without trailing blanks, no blank lines at the end."""
    lines = tuple(map(str.rstrip, info.split("\n")))
    end = len(lines) - 1  # the last is the empty text after the last line end
    while end and not lines[end - 1]:
        end -= 1
    return lines[:end]


assert set(_DETAIL_FIELDS) | {"extra"} <= set(LINE_FIELDS)


def _no_layout(  # noqa: PLR0917 - as a Run
    block: str, pos: int, number: int, match_at: MatchAt, append: Append, currency: str | None, digits: int, file: str
) -> tuple[int, int]:
    """The run reader before any layout is known: it reads none."""
    return pos, number


RUN: list[Run] = [_no_layout]
"""The run reader of the layouts known so far (one, replaced when a layout is added)."""
_LAYOUTS: dict[tuple[str, ...], list[str]] = {}
_COMPILED: set[tuple[str, ...]] = set()
_UNSUPPORTED: set[tuple[str, ...]] = set()
_MAX_LAYOUTS, _MAX_CODE_WORDS = 64, 40


def forget() -> None:
    """Forget the layouts learnt (the run reader then learns them again)."""
    _LAYOUTS.clear()
    _COMPILED.clear()
    _UNSUPPORTED.clear()
    RUN[0] = _no_layout


def _learn(pieces: list[str]) -> None:
    """Note the layout of ``pieces`` (``text.split("/")`` of a ``:86:`` text, an odd
    number of pieces starting with a code word) for the run reader, if it can take it.
    The run reader is made anew when an entry of a layout noted but not yet in it comes
    along (a file's first entries bring several new layouts: one compilation for them)."""
    layout = tuple(pieces[1::2])
    if layout in _LAYOUTS:
        if layout not in _COMPILED:
            layouts = dict(_LAYOUTS)  # a copy: another thread may be learning
            RUN[0] = _compile(layouts)
            _COMPILED.update(layouts)
        return
    if layout in _UNSUPPORTED:
        return
    if len(_LAYOUTS) >= _MAX_LAYOUTS:  # a great variety: start afresh with the layouts that come now
        forget()
    rules = _rules(layout) if FAST and len(layout) <= _MAX_CODE_WORDS and CODE_WORD_SET.issuperset(layout) else None
    if rules is None:
        if len(_UNSUPPORTED) >= 1024:
            _UNSUPPORTED.clear()
        _UNSUPPORTED.add(layout)
        return
    _LAYOUTS[layout] = rules


def rabobank_line(  # noqa: PLR0917 - positional for speed
    groups: Groups, raw: str, currency: str | None, digits: int, file: str, line: int
) -> StatementLine | None:
    """The line of a Rabobank entry (``raw`` its text, ``line`` the number of its ``:61:``
    line) as the general way makes it, or ``None`` when the general way must read it; the
    run reader learns its layout."""
    vdate, edate, _, _, _, _, _, _, info = groups
    if info is None or not FAST:
        return None
    dates = entry_dates(vdate, edate)  # type: ignore[arg-type]
    if dates is None:
        return None
    value, booking = dates
    pieces = info.replace("\n", "").split("/")
    if len(pieces) < 3 or pieces[1] not in CODE_WORD_SET or pieces[0].strip():
        return None  # not code words: free text
    if len(pieces) & 1:
        _learn(pieces)
    return _general(groups, pieces, value, booking, raw, currency, digits, file, line)


def _general(  # noqa: PLR0917
    groups: Groups,
    pieces: list[str],
    value: date,
    booking: date | None,
    raw: str,
    currency: str | None,
    digits: int,
    file: str,
    line: int,
) -> StatementLine:
    """:func:`rabobank_line` through ``Details`` and the general code-word walk."""
    _, _, mark, amount, code, cref, bref, rest, info = groups
    # fields.new_entry
    head, sep, tail = bref.partition("/")  # type: ignore[union-attr]
    bank_ref = head.strip() or None
    more = rest[:-1] if rest else None
    supplementary = more or ""
    if sep:
        supplementary = "/" + tail if more is None else "/" + tail + "\n" + more
    whole, _, fraction = amount.partition(",")  # type: ignore[union-attr]
    if len(fraction) < digits:
        fraction += "0" * (digits - len(fraction))
    number = whole + "." + fraction if fraction else whole
    if mark == "D" and number.strip("0."):
        number = "-" + number
    # RabobankDialect.refine
    details = Details()
    apply_code_words(details, pieces)
    refine_counterparty(details, supplementary, cref)  # type: ignore[arg-type]
    # Reader._add_line
    if details.counterparty_iban is None and supplementary:
        candidate = supplementary.split("\n", 1)[0].strip()
        if looks_like_iban(candidate):
            details.counterparty_iban = candidate
    if bank_ref is None or (len(bank_ref) == 6 and bank_ref.upper() == "NONREF"):
        bank_ref = details.end_to_end_id
    return details.to_line(
        Decimal(number),
        booking,
        value,
        currency,
        bank_ref,
        cref.strip() or None,  # type: ignore[union-attr]
        code.rstrip() or None,  # type: ignore[union-attr]
        False,
        detail_lines(info),  # type: ignore[arg-type]
        raw,
        file,
        line,
    )
