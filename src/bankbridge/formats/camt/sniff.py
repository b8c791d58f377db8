"""Recognise a CAMT document by its content: XML whose head names a CAMT namespace or
message element. File names are never looked at."""

from __future__ import annotations

import codecs
import re

_MARKERS = re.compile(
    r"urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\.|<(?:[\w.-]+:)?BkToCstmr(?:Stmt|AcctRpt|DbtCdtNtfctn)\b"
)


def _text(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return head[3:].decode("utf-8", errors="ignore")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="ignore")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def sniff(head: bytes) -> bool:
    """True for XML whose head shows a CAMT.052/053/054 namespace or message element."""
    text = _text(head).lstrip()
    return text.startswith("<") and _MARKERS.search(text) is not None
