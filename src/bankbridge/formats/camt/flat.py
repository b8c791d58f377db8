"""One pass over an entry's subtree into a flat ``relative path → element`` index.

Reading an entry field by field with ElementPath costs a microsecond a field; a
million entries need better. :func:`flatten` walks the subtree once, guided by a trie
of the paths the reader uses (:data:`WANTED`): it keeps the first element of each
wanted path (``RltdPties/Dbtr/Nm``), the stripped text of those elements, the texts of
every ``RmtInf/Ustrd``, and the subtrees it was told to stop at (``TxDtls``: each is
flattened on its own). Subtrees no wanted path enters (addresses, ids, tax, …) are
skipped. Repeated blocks (``Chrgs``, ``Strd``) are read from their element.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bankbridge.formats.camt.nodes import Element

_PARTIES = ("Dbtr", "Cdtr", "UltmtDbtr", "UltmtCdtr")
SEPA_ID_PARTS = ("Id", "SchmeNm/Cd", "SchmeNm/Prtry")
"""An organisation id of the creditor (``OrgId/Othr``) counts as its SEPA creditor id
when its scheme (``SchmeNm/Cd`` or ``Prtry``) is ``SEPA``."""
_NAMES_BELOW = ("Nm", "Pty/Nm", "Agt/FinInstnId/Nm", "Agt/FinInstnId/NmAndAdr/Nm")
WANTED: tuple[str, ...] = (
    # entry level
    "Amt",
    "CdtDbtInd",
    "RvslInd",
    "Sts",
    "Sts/Cd",
    "BookgDt/Dt",
    "BookgDt/DtTm",
    "ValDt/Dt",
    "ValDt/DtTm",
    "AcctSvcrRef",
    "NtryRef",
    "AddtlNtryInf",
    "Chrgs",
    *(f"{where}Btch/{name}" for where in ("", "NtryDtls/") for name in ("PmtInfId", "NbOfTxs", "MsgId")),
    "BkTxCd/Domn/Cd",
    "BkTxCd/Domn/Fmly/Cd",
    "BkTxCd/Domn/Fmly/SubFmlyCd",
    "BkTxCd/Prtry/Cd",
    "BkTxCd/Prtry/Issr",
    # transaction details
    *(
        f"Refs/{name}"
        for name in (
            "MsgId",
            "AcctSvcrRef",
            "PmtInfId",
            "InstrId",
            "EndToEndId",
            "TxId",
            "MndtId",
            "UETR",
            "ChqNb",
            "ClrSysRef",
        )
    ),
    "AmtDtls/TxAmt/Amt",
    "AmtDtls/InstdAmt/Amt",
    *(f"RltdPties/{party}/{name}" for party in _PARTIES for name in _NAMES_BELOW),
    *(f"RltdPties/{side}Acct/Id/{kind}" for side in ("Dbtr", "Cdtr") for kind in ("IBAN", "Othr/Id")),
    "RltdPties/Cdtr/Id/PrvtId/Othr/Id",
    "RltdPties/Cdtr/Pty/Id/PrvtId/Othr/Id",
    *(f"RltdPties/Cdtr/{pty}Id/OrgId/Othr/{name}" for pty in ("", "Pty/") for name in SEPA_ID_PARTS),
    *(f"RltdAgts/{side}Agt/FinInstnId/{kind}" for side in ("Dbtr", "Cdtr") for kind in ("BIC", "BICFI")),
    "RmtInf/Ustrd",
    "RmtInf/Strd/CdtrRefInf",
    "RtrInf/Rsn/Cd",
    "RtrInf/Rsn/Prtry",
    "AddtlTxInf",
    "Purp/Cd",
)

Trie = dict[str, tuple[str, bool, "Trie"]]
"""Local name → (relative path, text wanted, children)."""


def _trie(paths: tuple[str, ...]) -> Trie:
    root: Trie = {}
    for wanted in paths:
        node, steps = root, wanted.split("/")
        for depth, name in enumerate(steps):
            path = "/".join(steps[: depth + 1])
            path_, wants, children = node.get(name, (path, False, {}))
            node[name] = (path_, wants or depth == len(steps) - 1, children)
            node = children
    return root


TRIE = _trie(WANTED)
_NAMES: dict[object, str] = {}


def name_of(tag: object) -> str:
    """The local name of ``tag`` (cached: a file uses a few dozen tags)."""
    name = _NAMES.get(tag)
    if name is None:
        name = tag[tag.find("}") + 1 :] if isinstance(tag, str) else ""
        if len(_NAMES) < 10_000:
            _NAMES[tag] = name
    return name


@dataclass(slots=True)
class Flat:
    """The first element per wanted path, the stripped non-empty text of each
    (``texts``), all ``RmtInf/Ustrd`` texts, and the stopped subtrees."""

    first: dict[str, Element] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    ustrd: list[str] = field(default_factory=list)
    stopped: list[Element] = field(default_factory=list)

    def get(self, path: str) -> Element | None:
        """The first element at ``path``."""
        return self.first.get(path)


def flatten(root: Element, *, stop: str = "TxDtls") -> Flat:
    """Index ``root``'s subtree; subtrees called ``stop`` are collected, not entered."""
    flat = Flat()
    _walk(root, TRIE, flat, stop)
    return flat


def _walk(element: Element, trie: Trie, flat: Flat, stop: str) -> None:
    first, texts, names = flat.first, flat.texts, _NAMES
    for child in element:
        tag = child.tag
        name = names.get(tag) or name_of(tag)
        node = trie.get(name)
        if node is None:
            if name == stop:
                flat.stopped.append(child)
            continue
        path, wants_text, children = node
        new = path not in first
        if new:
            first[path] = child
        if wants_text:
            value = child.text
            value = value.strip() if value else ""
            if value:
                if new:
                    texts[path] = value
                if name == "Ustrd":
                    flat.ustrd.append(value)
        if children:
            _walk(child, children, flat, stop)
