"""The books of the payments-in-transit tests: one administration with an in-transit
GL account (A1, both settings as asked) and one without (A2), debtors and creditors with
bank accounts and open items, and a direct-debit and a payment batch paying them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bankbridge.bootstrap import init_database, unit_of_work
from bankbridge.config import Settings
from bankbridge.services.ledger import load_bundle
from pain_samples import Pmt, Tx

ACCOUNT = "NL80RABO5806583321"
OTHER_ACCOUNT = "NL74INGB7685370089"
SENT = date(2026, 11, 20)
DAY = date(2026, 11, 23)
IBAN_10001, IBAN_10002 = "NL22KNAB6197875328", "NL69ABNA7774981744"
IBAN_20001, IBAN_20002 = "NL46TRIO7699273039", "NL62RABO3879702798"
DD = Pmt(
    "DD-2026-11",
    ACCOUNT,
    SENT,
    (
        Tx("E2E-DD-1", "100.00", "Lotte de Vries", IBAN_10001, reference="2000000020260001"),
        Tx("E2E-DD-2", "250.00", "De Groot", IBAN_10002, text="Factuur 20260002"),
    ),
)
PAY = Pmt(
    "PAY-2026-11",
    ACCOUNT,
    SENT,
    (
        Tx("E2E-PAY-1", "300.00", "Leverancier A", IBAN_20001, text="INK-7001"),
        Tx("E2E-PAY-2", "45.50", "Leverancier B", IBAN_20002, text="INK-7002"),
    ),
)


def bundle(per_item: bool) -> dict[str, str]:
    flag = "true" if per_item else "false"
    return {
        "environments.csv": "code,name,main_environment\nE,Env,\n",
        "administrations.csv": "code,environment,name,direct_debit_in_transit,payments_in_transit,"
        "in_transit_gl_account\n"
        f"A1,E,One,{flag},{flag},1650\nA2,E,Two,false,false,\n",
        "gl_accounts.csv": "environment,number,name,type,administration,axes\n"
        "E,1100,Bank,asset,,\nE,1300,Debiteuren,asset,,\nE,1600,Crediteuren,liability,,\n"
        "E,1650,Betalingen onderweg,asset,,\n",
        "journals.csv": "administration,code,iban,bic,currency,gl_account\n"
        f"A1,BNK1,{ACCOUNT},RABONL2U,EUR,1100\nA2,BNK1,{OTHER_ACCOUNT},INGBNL2A,EUR,1100\n",
        "relations.csv": "administration,number,kind,name,bsn,blocked\n"
        "A1,10001,debtor,Lotte de Vries,,false\nA1,10002,debtor,De Groot,,false\n"
        "A1,20001,creditor,Leverancier A,,false\nA1,20002,creditor,Leverancier B,,false\n"
        "A2,10001,debtor,Lotte de Vries,,false\n",
        "relation_bank_accounts.csv": "administration,relation,iban,status\n"
        f"A1,10001,{IBAN_10001},approved\nA1,10002,{IBAN_10002},approved\n"
        f"A1,20001,{IBAN_20001},approved\nA1,20002,{IBAN_20002},approved\nA2,10001,{IBAN_10001},approved\n",
        "open_items.csv": "administration,invoice_number,relation,invoice_date,due_date,amount,currency,"
        "payment_reference,description\n"
        "A1,20260001,10001,2026-11-01,2026-11-30,100.00,EUR,2000000020260001,\n"
        "A1,20260002,10002,2026-11-01,2026-11-30,250.00,EUR,0000000020260002,\n"
        "A1,INK-7001,20001,2026-11-01,2026-11-30,300.00,EUR,,\n"
        "A1,INK-7002,20002,2026-11-01,2026-11-30,45.50,EUR,,\n"
        "A2,20269001,10001,2026-11-01,2026-11-30,10.00,EUR,,\n",
    }


def make_settings(tmp_path: Path, database_url: str, *, per_item: bool) -> Settings:
    folder = tmp_path / "bundle"
    folder.mkdir()
    for name, text in bundle(per_item).items():
        (folder / name).write_text(text)
    settings = Settings(database_url=database_url)
    init_database(settings)
    load_bundle(folder, unit_of_work(settings))
    return settings
