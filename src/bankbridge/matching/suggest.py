"""Suggestions for new bank transaction code rules, learnt from manual bookings (R-G4).

A line booked by hand wholly on one GL account, with a bank transaction code, says "lines
like this go to that account". When at least ``min_lines`` lines of one bank's code went to
the same GL account by hand, a rule of that code could have booked them, and will book the
next ones (``bankbridge code-from-line``). Whether it needs a search value follows from
the other lines of the same bank and code:

- none of them was booked otherwise (not on open items, not on another account): the
  code alone is the rule;
- otherwise a search value must tell them apart. The candidates are the counterparty's
  name and runs of up to four words of the lines' text (description, name, detail lines:
  where the engine looks for search values, compared as it compares them, ignoring case
  and blanks) without digits (a date, amount or reference changes from line to line, and a
  year would stop the rule next year). A candidate that occurs in a line booked otherwise
  is out; of the rest, the one found in the most of the manual lines wins, then the
  counterparty's name, then the longest (the most specific).

A suggestion is never made for a rule that exists already (the same code and search value,
whatever its account), and says which lines not booked yet it would book on the next run.
Pure: the caller reads the lines and the existing rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bankbridge.ledger.model import TransactionCode
from bankbridge.matching.books import bank_key
from bankbridge.matching.text import squash

MIN_LINES = 3
"""Manual bookings of one code on one account before a rule is suggested."""
MAX_WORDS = 4
MIN_CHARACTERS = 4
"""A shorter search value (``BV``, ``NL``) occurs in too many lines by chance."""


@dataclass(frozen=True, slots=True)
class CodeLine:
    """A statement line with a bank transaction code, as the suggestions see it."""

    line_id: int
    environment: str
    bank: str
    """The BIC of the line's journal."""
    code: str
    text: str
    """Where the engine looks for search values (``matching.text.line_text``)."""
    counterparty_name: str
    booked: bool
    manual_gl_account: str | None
    """The GL account when the line is booked by hand wholly on one account, else ``None``."""


@dataclass(frozen=True, slots=True)
class CodeSuggestion:
    """A rule to create: lines of ``code`` of ``bank`` (whose text holds ``search_value``,
    when it is not empty) go to ``gl_account``."""

    environment: str
    bank: str
    code: str
    search_value: str
    gl_account: str
    lines: tuple[int, ...]
    """The lines booked by hand on ``gl_account`` that the rule would have booked."""
    manual_lines: int
    """All lines of this code booked by hand on ``gl_account``."""
    would_book: tuple[int, ...]
    """Lines not booked yet that the rule would book on the next run."""

    @property
    def example(self) -> int:
        """A line to make the rule from (``bankbridge code-from-line``)."""
        return self.lines[0]


def suggest_codes(
    lines: Iterable[CodeLine], existing: Sequence[TransactionCode], *, min_lines: int = MIN_LINES
) -> list[CodeSuggestion]:
    """The rules worth creating, the most manual bookings first."""
    # Every line of a code kept as (id, booked, manual account, its text folded as the
    # engine compares search values); the whole line only for those booked by hand.
    groups: dict[tuple[str, str, str], list[tuple[int, bool, str | None, str]]] = defaultdict(list)
    taught: dict[tuple[str, str, str], dict[str, list[CodeLine]]] = defaultdict(lambda: defaultdict(list))
    for line in lines:
        group = (line.environment, bank_key(line.bank), line.code)
        groups[group].append((line.line_id, line.booked, line.manual_gl_account, _key(line.text)))
        if line.manual_gl_account is not None:
            taught[group][line.manual_gl_account].append(line)
    have = {(t.environment, bank_key(t.bank), t.code, _key(t.search_value)) for t in existing}
    found: list[CodeSuggestion] = []
    for group, by_account in taught.items():
        environment, bank, code = group
        for account, manual in by_account.items():
            if len(manual) < min_lines:
                continue
            others = [text for _, booked, gl, text in groups[group] if booked and gl != account]
            value = _search_value(manual, others, min_lines)
            if value is None or (environment, bank, code, _key(value)) in have:
                continue
            key = _key(value)
            covered = tuple(m.line_id for m in manual if key in _key(m.text))
            waiting = tuple(i for i, booked, _, text in groups[group] if not booked and key in text)
            bic = manual[0].bank
            found.append(CodeSuggestion(environment, bic, code, value, account, covered, len(manual), waiting))
    return sorted(found, key=lambda s: (-len(s.lines), s.environment, bank_key(s.bank), s.code, s.search_value))


def _search_value(manual: Sequence[CodeLine], others: Sequence[str], min_lines: int) -> str | None:
    """The search value that tells ``manual`` apart from the texts of the lines booked
    otherwise, ``others`` (folded: :func:`_key`): '' when there are none, ``None`` when no
    candidate covers ``min_lines`` of the manual lines without occurring in one of them."""
    if not others:
        return ""
    names = {_key(m.counterparty_name) for m in manual if m.counterparty_name}
    counts: dict[str, int] = defaultdict(int)
    spelling: dict[str, str] = {}
    for line in manual:
        # once per line, whatever the spellings (the name and a run of the text alike)
        for key, candidate in {_key(c): c for c in _candidates(line)}.items():
            counts[key] += 1
            spelling.setdefault(key, candidate)
    ranked = sorted(
        (key for key, n in counts.items() if n >= min_lines),
        key=lambda k: (-counts[k], k not in names, -len(k), k),
    )
    for key in ranked:
        if not any(key in text for text in others):
            return spelling[key]
    return None


def _candidates(line: CodeLine) -> Iterable[str]:
    """The counterparty's name and runs of up to :data:`MAX_WORDS` words of the line's text,
    none with a digit and none shorter than :data:`MIN_CHARACTERS`."""
    name = squash(line.counterparty_name)
    if len(name) >= MIN_CHARACTERS and not any(c.isdigit() for c in name):
        yield name
    words = squash(line.text).split(" ")
    for start in range(len(words)):
        for end in range(start + 1, min(start + MAX_WORDS, len(words)) + 1):
            if any(c.isdigit() for c in words[end - 1]):
                break
            run = " ".join(words[start:end])
            if len(run) >= MIN_CHARACTERS:
                yield run


def _key(value: str) -> str:
    """A text as the engine compares search values (``matching.text.contains``): blanks
    collapsed, case folded."""
    return squash(value).casefold()
