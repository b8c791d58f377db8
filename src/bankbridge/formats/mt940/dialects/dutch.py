"""The smaller Dutch banks: Triodos, ASN/SNS/RegioBank, Knab, bunq, Van Lanschot.

* Triodos: ``:25:TRIODOSBANK/<account>``; ``:86:`` as ``000>10<counter account>
  >20…>29`` text (``>20`` BIC and ``>21`` IBAN in the IBAN era), ``>31`` own account.
* ASN / SNS / RegioBank (one bank group): the ``:61:`` customer reference is the counter
  IBAN and its second line the counter name; ``:86:`` repeats them on its first line,
  the description follows on later lines (65 characters wide, padded with blanks, so a
  full line without a blank at its end was wrapped inside a word). Since about 2019 a
  SEPA direct debit there carries the code words of the originating bank
  (``/TRTP/…/CSID/…/MARF/…/REMI/…/EREF/…``).
* Knab, bunq, Van Lanschot: code words (``/TRTP/``, ``/IBAN/``, ``/NAME/``, ``/REMI/``),
  or Knab's older ``REK: <iban>/NAAM: <name>`` lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from bankbridge.formats.mt940.codewords import is_structured, split_subfields, squash
from bankbridge.formats.mt940.dialects.base import (
    Details,
    apply_code_words,
    is_bic,
    joined,
    none_if_empty,
    refine_default,
    set_counterparty_account,
    unwrap,
)
from bankbridge.formats.mt940.fields import Entry, looks_like_iban


@dataclass(frozen=True, slots=True)
class TriodosDialect:
    """Triodos Bank: ``>NN`` sub-fields."""

    name: str = "triodos"

    def refine(self, entry: Entry) -> Details:
        """``>10`` counter account, ``>20``–``>29`` text (or BIC + IBAN first)."""
        code, fields = split_subfields(joined(entry), ">")
        if not fields:
            return refine_default(entry)
        details = Details(extra=[("code", code.strip())] if code.strip() else [])
        text = [value for key, value in fields if "20" <= key <= "29"]
        if len(text) >= 2 and is_bic(text[0].strip()) and looks_like_iban(text[1].strip()):
            details.counterparty_bic = text[0].strip()
            set_counterparty_account(details, text[1])
            text = text[2:]
        for key, value in fields:
            if key == "10":
                set_counterparty_account(details, value.strip().lstrip("0"))
            elif key == "31":
                details.extra.append(("own account", value.strip()))
        details.description = none_if_empty(squash("".join(text)))
        return details


@dataclass(frozen=True, slots=True)
class AsnDialect:
    """ASN Bank, SNS Bank and RegioBank (``name`` tells which)."""

    name: str = "asn"

    def refine(self, entry: Entry) -> Details:
        """Counterparty from the ``:61:`` line; description from ``:86:`` lines 2–6."""
        cref = entry.customer_reference.strip()
        if cref.startswith("/") or not entry.detail:
            return refine_default(entry)
        details = Details()
        set_counterparty_account(details, cref)
        name = entry.supplementary.split("\n")[0].strip()
        details.counterparty_name = none_if_empty(name)
        lines = list(entry.detail)
        first = lines[0].strip()
        if (cref and first.startswith(cref)) or (name and first.endswith(name)) or not first:
            lines = lines[1:]
        text = unwrap(lines)
        if is_structured(text):
            apply_code_words(details, text.strip().split("/"))
        else:
            details.description = none_if_empty(squash(text))
        return details


@dataclass(frozen=True, slots=True)
class CodeWordDialect:
    """Banks whose ``:86:`` needs nothing beyond code words and labels."""

    name: str = "knab"

    def refine(self, entry: Entry) -> Details:
        """Code words, else ``REK:``/``NAAM:`` labels, else free text."""
        return refine_default(entry)
