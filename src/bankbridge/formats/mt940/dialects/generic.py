"""The fallback dialect: SWIFT MT940 as written, refined by what the ``:86:`` looks like."""

from __future__ import annotations

from dataclasses import dataclass

from bankbridge.formats.mt940.dialects.base import Details, joined, refine_default
from bankbridge.formats.mt940.dialects.german import is_german, refine_german
from bankbridge.formats.mt940.fields import Entry


@dataclass(frozen=True, slots=True)
class GenericDialect:
    """Any bank: German ``?NN`` sub-fields, SEPA code words, Dutch labels or free text."""

    name: str = "generic"

    def refine(self, entry: Entry) -> Details:
        """Pick the refinement from the shape of the ``:86:``."""
        if is_german(joined(entry)):
            return refine_german(entry)
        return refine_default(entry)
