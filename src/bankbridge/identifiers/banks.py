"""Dutch banks by the 4-letter bank code of their BIC and IBAN, with the name bankbridge
uses for each bank's file dialect (MT940 dialects, CAMT proprietary code lists)."""

from __future__ import annotations

DUTCH_BANKS: dict[str, str] = {
    "RABO": "rabobank",
    "INGB": "ing",
    "ABNA": "abnamro",
    "TRIO": "triodos",
    "ASNB": "asn",
    "SNSB": "sns",
    "RBRB": "regiobank",
    "KNAB": "knab",
    "BUNQ": "bunq",
    "FVLB": "vanlanschot",
    "MOYO": "moneyou",
}
