"""Transaction code suggestions learnt from manual bookings (R-G4)."""

from __future__ import annotations

from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from bankbridge.ledger.model import TransactionCode
from bankbridge.matching.suggest import CodeLine, CodeSuggestion, suggest_codes
from bankbridge.matching.text import contains

_ids = count(1)


def line(
    text: str,
    *,
    gl: str | None = None,
    booked: bool | None = None,
    code: str = "NMSC",
    name: str = "",
    bank: str = "RABONL2U",
    environment: str = "HOLD",
) -> CodeLine:
    """A line of ``code``: booked by hand on ``gl`` when given, else booked or open."""
    is_booked = gl is not None if booked is None else booked
    full = f"{text} {name}".strip()
    return CodeLine(next(_ids), environment, bank, code, full, name, is_booked, gl)


def rule(code: str, search_value: str, gl: str = "8000", bank: str = "RABONL2U") -> TransactionCode:
    return TransactionCode(environment="HOLD", bank=bank, code=code, gl_account=gl, search_value=search_value)


def only(found: list[CodeSuggestion]) -> CodeSuggestion:
    assert len(found) == 1, found
    return found[0]


def test_a_code_whose_lines_all_went_to_one_account_by_hand_needs_no_search_value() -> None:
    manual = [line(f"kosten {n}", gl="4500", code="NCHG") for n in range(3)]
    waiting = line("kosten 4", code="NCHG", booked=False)
    elsewhere = line("kosten", code="NMSC", booked=True)  # another code: not in the way
    s = only(suggest_codes([*manual, waiting, elsewhere], []))
    assert (s.code, s.search_value, s.gl_account, s.bank) == ("NCHG", "", "4500", "RABONL2U")
    assert s.lines == tuple(m.line_id for m in manual) and s.manual_lines == 3
    assert s.would_book == (waiting.line_id,)
    assert s.example == manual[0].line_id


def test_a_shared_code_gets_the_counterpartys_name_as_search_value() -> None:
    manual = [line(f"overboeking {m} 2026", gl="8000", name="Onbekende Partij") for m in ("jan", "feb", "mrt")]
    paid = [line("overboeking factuur 20260001", booked=True, name="Klant BV") for _ in range(5)]
    s = only(suggest_codes([*manual, *paid], []))
    assert (s.search_value, s.gl_account, len(s.lines)) == ("Onbekende Partij", "8000", 3)


def test_the_value_never_occurs_in_a_line_booked_otherwise() -> None:
    """The name occurs in a line booked on an open item: the longest run of the text (four
    words at most) that does not is taken instead."""
    manual = [line("huur kantoor Utrecht", gl="4100", name="Vastgoed BV") for _ in range(3)]
    other = line("factuur 20260011", booked=True, name="Vastgoed BV")
    s = only(suggest_codes([*manual, other], []))
    assert s.search_value == "huur kantoor Utrecht Vastgoed"
    assert not contains(other.text, s.search_value)


def test_runs_with_digits_are_not_search_values() -> None:
    """A year, a date or an amount changes from line to line (or next year)."""
    manual = [line(f"Huur 2026-{m:02d} pand", gl="4100", name="") for m in (1, 2, 3)]
    other = line("betaling", booked=True)
    s = only(suggest_codes([*manual, other], []))
    assert s.search_value == "Huur"  # "Huur" and "pand" alike, then in alphabetical order


def test_too_few_lines_or_no_value_that_tells_them_apart_suggest_nothing() -> None:
    two = [line("abonnement", gl="4200", name="Telecom") for _ in range(2)]
    other = line("betaling", booked=True)
    assert suggest_codes([*two, other], []) == []
    assert suggest_codes([*two, other], [], min_lines=2) != []
    same = [line("overboeking", gl="4200") for _ in range(3)]
    like = line("overboeking", booked=True)  # every word of theirs occurs in a line booked otherwise
    assert suggest_codes([*same, like], []) == []


def test_a_value_spelt_twice_in_one_line_counts_that_line_once() -> None:
    """The name and a run of the description that differ only in case are one candidate:
    found in two lines it counts two, not four, and loses to one found in all three."""
    manual = [line("TELECOM BV abonnement", gl="4200", name="Telecom BV") for _ in range(2)]
    manual.append(line("abonnement", gl="4200"))
    other = line("betaling", booked=True)
    s = only(suggest_codes([*manual, other], []))
    assert (s.search_value, len(s.lines)) == ("abonnement", 3)


def test_a_value_found_in_most_lines_wins_over_a_longer_one_in_fewer() -> None:
    manual = [
        line("contributie 2026 sportclub", gl="4300", name="KNVB"),
        line("contributie sportclub", gl="4300", name="KNVB"),
        line("contributie jeugd", gl="4300", name="KNVB"),
    ]
    other = line("KNVB boete", booked=True)  # the name is taken by another booking
    s = only(suggest_codes([*manual, other], []))
    assert (s.search_value, len(s.lines)) == ("contributie", 3)


def test_a_rule_that_exists_is_not_suggested_again() -> None:
    manual = [line("x", gl="8000", name="Onbekende Partij") for _ in range(3)]
    other = line("y", booked=True)
    assert suggest_codes([*manual, other], [rule("NMSC", " onbekende   PARTIJ ", gl="8100")]) == []
    assert suggest_codes([*manual, other], [rule("NMSC", "Onbekende Partij", bank="INGBNL2A")]) != []  # other bank
    assert suggest_codes([*manual], [rule("NMSC", "")]) == []


def test_one_code_on_two_accounts_gives_two_rules() -> None:
    rent = [line("huur", gl="4100", name="Vastgoed BV") for _ in range(3)]
    phone = [line("abonnement", gl="4200", name="Telecom NV") for _ in range(4)]
    found = suggest_codes([*rent, *phone], [])
    assert [(s.gl_account, s.search_value) for s in found] == [("4200", "Telecom NV"), ("4100", "Vastgoed BV")]


def test_banks_compare_on_eight_characters_and_environments_apart() -> None:
    manual = [line("kosten", gl="4500", code="NCHG", bank=b) for b in ("RABONL2U", "RABONL2UXXX", "RABONL2U")]
    s = only(suggest_codes(manual, []))
    assert len(s.lines) == 3
    split = [line("kosten", gl="4500", code="NCHG", environment=e) for e in ("HOLD", "HOLD", "OTHER")]
    assert suggest_codes(split, []) == []


_words = st.sampled_from(["huur", "kantoor", "Telecom", "abonnement", "BV", "overboeking", "2026", "jan", "KPN"])
_texts = st.lists(_words, min_size=1, max_size=5).map(" ".join)
_lines = st.lists(
    st.tuples(_texts, st.sampled_from([None, "4100", "4200"]), st.booleans(), st.sampled_from(["A", "B"])),
    max_size=25,
)


@given(_lines, st.integers(min_value=1, max_value=4))
@settings(max_examples=300, deadline=None)
def test_every_suggestion_covers_its_lines_and_no_line_booked_otherwise(
    raw: list[tuple[str, str | None, bool, str]], min_lines: int
) -> None:
    lines = [line(text, gl=gl, booked=True if gl else booked, code=code) for text, gl, booked, code in raw]
    for s in suggest_codes(lines, [], min_lines=min_lines):
        group = [x for x in lines if x.code == s.code]
        manual = {x.line_id for x in group if x.manual_gl_account == s.gl_account}
        assert len(s.lines) >= min_lines and set(s.lines) <= manual and s.manual_lines == len(manual)
        assert not any(c.isdigit() for c in s.search_value)
        for x in group:
            holds = not s.search_value or contains(x.text, s.search_value)
            if x.booked and x.manual_gl_account != s.gl_account:
                assert not holds, (s, x)
            if x.line_id in manual:
                assert holds == (x.line_id in s.lines)
            if not x.booked:
                assert holds == (x.line_id in s.would_book)
