"""Words for the ISO 20022 status reason codes banks put in pain.002 reports
(``ExternalStatusReason1Code``), so an accountant reads ``AC04 closed account`` instead
of ``AC04``. Codes not listed here are shown as given, with the bank's own text."""

from __future__ import annotations

from bankbridge.payments.model import StatusReason

WORDS: dict[str, str] = {
    "AC01": "incorrect account number",
    "AC02": "invalid debtor account number",
    "AC03": "invalid creditor account number",
    "AC04": "closed account",
    "AC06": "blocked account",
    "AC13": "invalid debtor account type",
    "AG01": "transaction forbidden on this account",
    "AG02": "invalid bank operation code",
    "AG03": "transaction type not supported",
    "AM01": "zero amount",
    "AM02": "amount not allowed",
    "AM03": "currency not allowed",
    "AM04": "insufficient funds",
    "AM05": "duplicate",
    "AM09": "wrong amount",
    "AM10": "invalid control sum",
    "AM12": "invalid amount",
    "BE01": "name does not match the account",
    "BE04": "missing creditor address",
    "BE05": "unknown initiating party",
    "BE06": "unknown end customer",
    "CH03": "requested date too far in the future",
    "CH04": "requested date too far in the past",
    "CH16": "element content formally incorrect",
    "CH17": "element not admitted",
    "CNOR": "creditor bank not registered",
    "CURR": "incorrect currency",
    "CUST": "requested by the customer",
    "DNOR": "debtor bank not registered",
    "DT01": "invalid date",
    "DU01": "duplicate message id",
    "DU02": "duplicate batch id",
    "DU04": "duplicate end-to-end id",
    "DUPL": "duplicate payment",
    "ED05": "settlement failed",
    "FF01": "invalid file format",
    "FOCR": "cancelled on request",
    "FRAD": "fraudulent origin",
    "MD01": "no mandate",
    "MD02": "mandate data missing or incorrect",
    "MD06": "refund requested by the debtor",
    "MD07": "debtor deceased",
    "MS02": "refused by the debtor",
    "MS03": "refused by the bank, reason not given",
    "NARR": "see the bank's text",
    "RC01": "incorrect BIC",
    "RR01": "missing debtor account or identification",
    "RR02": "missing debtor name or address",
    "RR03": "missing creditor name or address",
    "RR04": "regulatory reason",
    "SL01": "service of the debtor's bank",
    "TECH": "technical problem at the bank",
    "TM01": "received after the cut-off time",
}


def describe(reasons: tuple[StatusReason, ...]) -> str:
    """``AC04 closed account`` (``; ``-joined), the bank's text added when it says more."""
    parts = []
    for reason in reasons:
        words = WORDS.get(reason.code or "")
        said = " ".join(x for x in (reason.code, words) if x)
        if reason.text and reason.text.lower() != (words or "").lower():
            said = f"{said} ({reason.text})" if said else reason.text
        if said:
            parts.append(said)
    return "; ".join(parts) or "no reason given"
