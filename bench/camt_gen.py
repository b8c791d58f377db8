"""Generator of a large, realistic CAMT.053.001.02 file for the CAMT benchmark.

Dutch-style entries: SEPA credit transfers in and out with counterparty, BIC,
remittance text or a structured ``CUR`` reference, direct debits with mandate and
creditor id, and every 40th entry a batch with three transaction details. Written
in a streaming way, so any size fits on disk without filling memory. Deterministic.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TextIO

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
IBANS = ("NL91ABNA0417164300", "NL02RABO0123456789", "NL20INGB0001234567", "DE89370400440532013000")
BICS = ("ABNANL2A", "RABONL2U", "INGBNL2A", "COBADEFFXXX")
BATCH_EVERY = 40


def _amount(i: int) -> Decimal:
    return Decimal(((i * 7919) % 250_000) + 1) / 100


def _tx(i: int, credit: bool, amount: Decimal | None) -> str:
    side, agent = ("Dbtr", "DbtrAgt") if credit else ("Cdtr", "CdtrAgt")
    iban, bic = IBANS[i % 4], BICS[i % 4]
    amt = f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>' if amount else ""
    if i % 3 == 0:
        rmt = (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr>"
            f"</Tp><Ref>{5000000000000000 + i}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    else:
        rmt = f"<RmtInf><Ustrd>Invoice F2026-{i:07d} customer {i % 9973}</Ustrd></RmtInf>"
    mandate = f"<MndtId>MNDT-{i % 5000:05d}</MndtId>" if not credit else ""
    return (
        f"<TxDtls><Refs><AcctSvcrRef>TX{i:010d}</AcctSvcrRef><EndToEndId>E2E-{i:010d}</EndToEndId>"
        f"{mandate}</Refs>{amt}<RltdPties><{side}><Nm>Counterparty {i % 10007} B.V.</Nm></{side}>"
        f"<{side}Acct><Id><IBAN>{iban}</IBAN></Id></{side}Acct></RltdPties>"
        f"<RltdAgts><{agent}><FinInstnId><BIC>{bic}</BIC></FinInstnId></{agent}></RltdAgts>"
        f"{rmt}</TxDtls>"
    )


def signed_amount(i: int) -> Decimal:
    """The signed amount of entry ``i`` (without building its XML)."""
    parts = range(3) if i % BATCH_EVERY == 0 else range(1)
    total = sum((_amount(i + k) for k in parts), Decimal(0))
    return total if i % 3 != 1 else -total


def entry(i: int) -> tuple[str, Decimal]:
    """Entry ``i`` as XML and its signed amount."""
    credit = i % 3 != 1
    sign = "CRDT" if credit else "DBIT"
    family = "RCDT" if credit else "ICDT"
    if i % BATCH_EVERY == 0:
        parts = [_amount(i + k) for k in range(3)]
        total = sum(parts, Decimal(0))
        details = f"<Btch><PmtInfId>BATCH-{i}</PmtInfId><NbOfTxs>3</NbOfTxs></Btch>" + "".join(
            _tx(i + k, credit, parts[k]) for k in range(3)
        )
    else:
        total = _amount(i)
        details = _tx(i, credit, None)
    xml = (
        f'<Ntry><NtryRef>{i}</NtryRef><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
        "<Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><ValDt><Dt>2026-11-20</Dt></ValDt>"
        f"<AcctSvcrRef>{43011075189 + i}:CI49CT</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly>"
        f"<Cd>{family}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn><Prtry><Cd>{100 + i % 50}</Cd>"
        f"<Issr>RABOBANK</Issr></Prtry></BkTxCd><NtryDtls>{details}</NtryDtls></Ntry>\n"
    )
    return xml, total if credit else -total


def _balance(out: TextIO, code: str, amount: Decimal) -> None:
    sign = "CRDT" if amount >= 0 else "DBIT"
    out.write(
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(amount)}'
        f"</Amt><CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>\n"
    )


def generate(path: Path, *, entries: int, statements: int = 4) -> int:
    """Write a CAMT.053 file with ``entries`` entries over ``statements`` statements."""
    path.parent.mkdir(parents=True, exist_ok=True)
    per = -(-entries // statements)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NS}"><BkToCstmrStmt>'
            "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-11-20T18:00:00</CreDtTm></GrpHdr>\n"
        )
        for s in range(statements):
            first, last = s * per, min(entries, (s + 1) * per)
            out.write(
                f"<Stmt><Id>BENCH-{s}</Id><LglSeqNb>{s + 1}</LglSeqNb>"
                "<CreDtTm>2026-11-20T18:00:00</CreDtTm><Acct><Id><IBAN>NL77ABNA0574908765"
                "</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
            )
            opening = Decimal("1000.00")
            _balance(out, "OPBD", opening)
            moves = sum((signed_amount(i) for i in range(first, last)), Decimal(0))
            _balance(out, "CLBD", opening + moves)
            out.writelines(entry(i)[0] for i in range(first, last))
            out.write("</Stmt>\n")
        out.write("</BkToCstmrStmt></Document>\n")
    return entries
