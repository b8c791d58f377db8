"""Loading and dumping ledger bundles on SQLite and PostgreSQL (R-A7, ledger-import.md).

Every column of every file is set in the ``FULL`` bundle and must survive load → dump
byte for byte; every validation rule has a bad row and the exact message it gives; a
failing load leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bankbridge.bootstrap import init_database, unit_of_work
from bankbridge.config import Settings
from bankbridge.demo import BUNDLE
from bankbridge.errors import InputError
from bankbridge.services.ledger import BundleRejected, dump_bundle, load_bundle

FULL: dict[str, str] = {
    "environments.csv": "code,name,main_environment\nHOLD,Holding,\nSUB,Sub office,HOLD\n",
    "administrations.csv": (
        "code,environment,name,invoice_ref_start,invoice_ref_length,invoice_range_from,invoice_range_to,"
        "tax_office_iban,bsn_search_value,bsn_match_open_invoice,direct_debit_in_transit,payments_in_transit,"
        "in_transit_gl_account,payment_difference_tolerance,payment_difference_gl_account\n"
        "A1,HOLD,Alpha BV,8,8,INK1,INKzzzzzzzz,NL86INGB0002445588,KINDEROPVANG,true,true,false,1650,0.05,4900\n"
        "A2,SUB,Beta,,,,,,,false,false,false,,0,\n"
    ),
    "gl_accounts.csv": (
        "environment,number,name,type,administration,axes\n"
        "HOLD,1010,Kruisposten pin,asset,,1|2\nHOLD,1100,Bank,asset,,\nHOLD,1650,Onderweg,asset,A1,\n"
        "HOLD,4510,Commissie,expense,,\nHOLD,4900,Verschillen,expense,,\nHOLD,8000,Omzet,revenue,,\n"
        "SUB,1100,Bank,asset,,\nSUB,1600,Crediteuren,liability,A2,\nSUB,2000,Kapitaal,equity,,\n"
    ),
    "journals.csv": (
        "administration,code,name,iban,bic,currency,gl_account,voucher_counter,voucher_from_statement_number,"
        "auto_add_bank_account,approval_workflow,auto_process\n"
        "A1,BNK1,Rabobank,NL44RABO0123456789,RABONL2U,EUR,1100,17,true,true,true,true\n"
        "A2,BNK1,,NL69INGB0123456789,,USD,1100,0,false,false,false,false\n"
    ),
    "relations.csv": (
        "administration,number,kind,name,bsn,blocked\n"
        "A1,10001,debtor,Jan Jansen,111222333,false\nA1,20001,creditor,Leverancier BV,,true\n"
        'A2,10001,debtor,"Peters, Anna",123456782,false\n'
    ),
    "relation_bank_accounts.csv": (
        "administration,relation,iban,status\n"
        "A1,10001,NL91ABNA0417164300,approved\nA1,20001,NL02ABNA0123456789,under_review\n"
    ),
    "open_items.csv": (
        "administration,invoice_number,relation,invoice_date,due_date,amount,currency,payment_reference,description\n"
        "A1,INK20260001,10001,2026-10-01,2026-10-31,121.00,EUR,5000056789012345,Factuur oktober\n"
        "A1,INK20260002,10001,,,-25.50,EUR,,Creditnota\n"
        "A1,INK20260003,20001,2026-11-01,2026-12-01,1000.00,EUR,RF18539007547034,\n"
        'A2,F1,10001,2026-11-02,2026-11-02,5.00,USD,+++010/8068/17183+++,"met, komma"\n'
    ),
    "transaction_codes.csv": (
        "environment,bank,code,search_value,description,gl_account,commission_gl_account\n"
        "HOLD,RABONL2U,N121,,Pin-ontvangsten,1010,\n"
        "HOLD,RABONL2U,N541,EUR MERCHANT SERV VISA,Visa,1010,4510\n"
    ),
    "allocations.csv": (
        "environment,bank,code,code_search_value,search_value,axis_codes\n"
        "HOLD,RABONL2U,N121,,Verk.punt PT5101,1=100|2=1000\n"
    ),
}
# The OGM is stored compact; everything else dumps as written.
FULL_DUMPED = dict(FULL)
FULL_DUMPED["open_items.csv"] = FULL["open_items.csv"].replace("+++010/8068/17183+++", "010806817183")


def write_bundle(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def settings(database_url: str) -> Settings:
    s = Settings(database_url=database_url)
    init_database(s)
    return s


def dump_text(settings: Settings, directory: Path) -> dict[str, str]:
    dump_bundle(directory, unit_of_work(settings))
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.csv"))}


@pytest.mark.postgres
def test_every_column_round_trips(settings: Settings, tmp_path: Path) -> None:
    load_bundle(write_bundle(tmp_path / "in", FULL), unit_of_work(settings))
    assert dump_text(settings, tmp_path / "out") == FULL_DUMPED


@pytest.mark.postgres
def test_demo_bundle_dump_load_dump_is_identical_and_load_is_idempotent(settings: Settings, tmp_path: Path) -> None:
    report = load_bundle(BUNDLE, unit_of_work(settings))
    assert report.counts["open_items.csv"] > 300
    first = dump_text(settings, tmp_path / "one")
    assert first == {p.name: p.read_text(encoding="utf-8") for p in sorted(BUNDLE.glob("*.csv"))}
    load_bundle(tmp_path / "one", unit_of_work(settings))
    load_bundle(BUNDLE, unit_of_work(settings))
    assert dump_text(settings, tmp_path / "two") == first


@pytest.mark.postgres
def test_upsert_changes_a_row_and_keeps_the_others(settings: Settings, tmp_path: Path) -> None:
    load_bundle(write_bundle(tmp_path / "in", FULL), unit_of_work(settings))
    change = {"relations.csv": "administration,number,kind,name\nA1,20001,creditor,Nieuwe naam BV\n"}
    load_bundle(write_bundle(tmp_path / "change", change), unit_of_work(settings))
    dumped = dump_text(settings, tmp_path / "out")
    assert "A1,20001,creditor,Nieuwe naam BV,,false\n" in dumped["relations.csv"]
    assert "A1,10001,debtor,Jan Jansen,111222333,false\n" in dumped["relations.csv"]
    assert dumped["open_items.csv"] == FULL_DUMPED["open_items.csv"]


@pytest.mark.postgres
def test_booleans_in_any_case_as_a_spreadsheet_writes_them(settings: Settings, tmp_path: Path) -> None:
    files = dict(FULL)
    files["relations.csv"] = FULL["relations.csv"].replace("Jan Jansen,111222333,false", "Jan Jansen,111222333,TRUE")
    load_bundle(write_bundle(tmp_path / "in", files), unit_of_work(settings))
    dumped = dump_text(settings, tmp_path / "out")
    assert "A1,10001,debtor,Jan Jansen,111222333,true\n" in dumped["relations.csv"]


def _replace(file: str, old: str, new: str) -> dict[str, str]:
    files = dict(FULL)
    assert old in files[file], f"test setup: {old!r} not in {file}"
    files[file] = files[file].replace(old, new, 1)
    return files


def _append(file: str, row: str) -> dict[str, str]:
    files = dict(FULL)
    files[file] = files[file] + row
    return files


BAD: list[tuple[str, dict[str, str], str]] = [
    (
        "unknown column",
        {**FULL, "relations.csv": "administration,number,kind,colour\nA1,1,debtor,red\n"},
        "relations.csv:1: colour: unknown column",
    ),
    (
        "missing required column",
        {**FULL, "journals.csv": "administration,code,iban\nA1,X,NL44RABO0123456789\n"},
        "journals.csv:1: currency: required column is missing from the header",
    ),
    (
        "bad IBAN check digits",
        _replace("journals.csv", "NL44RABO0123456789", "NL45RABO0123456789"),
        "journals.csv:2: iban: 'NL45RABO0123456789' is not a valid IBAN",
    ),
    (
        "bad BSN",
        _replace("relations.csv", "111222333", "111222334"),
        "relations.csv:2: bsn: '111222334' is not a valid BSN",
    ),
    (
        "BSN twice in one environment",
        _append("relations.csv", "A1,10002,debtor,Twin,111222333,false\n"),
        "relations.csv:5: bsn: BSN 111222333 already belongs to relation '10001' of administration 'A1'",
    ),
    (
        "duplicate key",
        _append("open_items.csv", "A1,INK20260001,10001,,,1.00,EUR,,\n"),
        "open_items.csv:6: invoice_number: duplicate key A1/INK20260001 (first on line 2)",
    ),
    (
        "unknown environment",
        _replace("administrations.csv", "A2,SUB,", "A2,NOPE,"),
        "administrations.csv:3: environment: environment 'NOPE' does not exist",
    ),
    (
        "unknown GL account of a journal",
        _replace("journals.csv", "EUR,1100,17", "EUR,9999,17"),
        "journals.csv:2: gl_account: GL account '9999' does not exist in environment 'HOLD'",
    ),
    (
        "a journal on a GL account that is no asset",
        _replace("journals.csv", "USD,1100,0", "USD,2000,0"),
        "journals.csv:3: gl_account: GL account '2000' is of type equity; a bank account is an asset (R-A3)",
    ),
    (
        "unknown relation of an open item",
        _append("open_items.csv", "A1,X1,99999,,,1.00,EUR,,\n"),
        "open_items.csv:6: relation: relation '99999' does not exist in administration 'A1'",
    ),
    (
        "bad boolean",
        _replace("relations.csv", "Jan Jansen,111222333,false", "Jan Jansen,111222333,yes"),
        "relations.csv:2: blocked: 'yes' is not a boolean (write true or false)",
    ),
    (
        "bad date",
        _replace("open_items.csv", "2026-10-01", "01-10-2026"),
        "open_items.csv:2: invoice_date: '01-10-2026' is not a date (write YYYY-MM-DD)",
    ),
    (
        "impossible date",
        _replace("open_items.csv", "2026-10-01", "2026-02-30"),
        "open_items.csv:2: invoice_date: '2026-02-30' is not a valid date",
    ),
    (
        "comma decimal",
        _replace("open_items.csv", "121.00", "121,00"),
        "open_items.csv:2: row has 10 cells, the header 9",
    ),
    ("bad amount", _replace("open_items.csv", "121.00", "12x"), "open_items.csv:2: amount: '12x' is not an amount"),
    (
        "too many decimals",
        _replace("open_items.csv", "121.00", "121.001"),
        "open_items.csv:2: amount: 121.001 has more decimals than EUR allows",
    ),
    (
        "bad currency",
        _replace("open_items.csv", "121.00,EUR", "121.00,euro"),
        "open_items.csv:2: currency: 'euro' is not an ISO 4217 currency code",
    ),
    (
        "bad kind",
        _replace("relations.csv", "10001,debtor,Jan", "10001,client,Jan"),
        "relations.csv:2: kind: 'client' is not one of debtor, creditor",
    ),
    (
        "bad payment reference",
        _replace("open_items.csv", "5000056789012345", "5000056789012346"),
        "open_items.csv:2: payment_reference: '5000056789012346': check digit 5 is wrong",
    ),
    (
        "unknown allocation axis",
        _replace("allocations.csv", "1=100|2=1000", "1=100|3=1000"),
        "allocations.csv:2: axis_codes: GL account '1010' has no allocation axis '3' (its axes: 1, 2)",
    ),
    (
        "allocation of an unknown code",
        _replace("allocations.csv", "N121,,Verk", "N999,,Verk"),
        "allocations.csv:2: code: no transaction code 'N999' of bank RABONL2U",
    ),
    (
        "chain of sub environments",
        _append("environments.csv", "SUBSUB,x,SUB\n"),
        "environments.csv:4: main_environment: 'SUB' is itself a sub environment of 'HOLD'",
    ),
    (
        "IBAN of two journals",
        _append("journals.csv", "A2,BNK2,,NL44RABO0123456789,,EUR,1100,0,false,false,false,false\n"),
        "journals.csv:4: iban: NL44RABO0123456789 already belongs to journal 'BNK1' of administration 'A1'",
    ),
    (
        "start without length",
        _replace("administrations.csv", "Alpha BV,8,8,", "Alpha BV,8,,"),
        "administrations.csv:2: invoice_ref_length: invoice_ref_start and invoice_ref_length go together",
    ),
    (
        "tolerance without account",
        _replace("administrations.csv", "0.05,4900", "0.05,"),
        "administrations.csv:2: payment_difference_gl_account: is required when payment_difference_tolerance"
        " is above 0",
    ),
    (
        "in transit without account",
        _replace("administrations.csv", "true,true,false,1650", "true,true,false,"),
        "administrations.csv:2: in_transit_gl_account: is required when payments or direct debits go through",
    ),
    ("unknown file", {**FULL, "customers.csv": "a\n1\n"}, "customers.csv: unknown file in the bundle"),
    ("required value empty", _replace("open_items.csv", "121.00,EUR", ",EUR"), "open_items.csv:2: amount: is required"),
    (
        "spaces around a key",
        _replace("relations.csv", "A1,20001,", "A1, 20001,"),
        "relations.csv:3: number: ' 20001' has leading or trailing spaces",
    ),
]


@pytest.mark.postgres
@pytest.mark.parametrize(("case", "files", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_row_is_reported_and_nothing_is_stored(
    settings: Settings, tmp_path: Path, case: str, files: dict[str, str], message: str
) -> None:
    load_bundle(BUNDLE, unit_of_work(settings))
    before = dump_text(settings, tmp_path / "before")
    with pytest.raises(BundleRejected) as info:
        load_bundle(write_bundle(tmp_path / "bad", files), unit_of_work(settings))
    assert any(str(e).startswith(message) for e in info.value.errors), [str(e) for e in info.value.errors]
    assert dump_text(settings, tmp_path / "after") == before


def test_bad_encoding_names_the_line(tmp_path: Path, database_url: str) -> None:
    settings = Settings(database_url=database_url)
    init_database(settings)
    bundle = write_bundle(tmp_path / "b", {"environments.csv": "code,name,main_environment\nE1,ok,\n"})
    (bundle / "environments.csv").write_bytes(b"code,name,main_environment\nE1,ok,\nE2,caf\xe9,\n")
    with pytest.raises(BundleRejected) as info:
        load_bundle(bundle, unit_of_work(settings))
    assert str(info.value).startswith("environments.csv:3: not valid UTF-8 (invalid continuation byte at column 7)")


def test_a_late_bad_open_item_leaves_everything_unstored(tmp_path: Path, database_url: str) -> None:
    settings = Settings(database_url=database_url)
    init_database(settings)
    rows = "".join(f"A1,N{n},10001,,,1.00,EUR,,\n" for n in range(45_000))
    files = _append("open_items.csv", rows + "A1,LAST,10001,,,oops,EUR,,\n")
    with pytest.raises(BundleRejected, match=r"open_items.csv:45006: amount"):
        load_bundle(write_bundle(tmp_path / "b", files), unit_of_work(settings))
    dumped = dump_text(settings, tmp_path / "out")
    assert all(text.count("\n") == 1 for text in dumped.values()), "nothing may be stored"


def test_not_a_directory(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}")
    init_database(settings)
    with pytest.raises(InputError, match="not a directory"):
        load_bundle(tmp_path / "missing", unit_of_work(settings))


STORED_BREAKS = [
    (
        "a main environment becomes a sub environment",
        {
            "environments.csv": "code,name,main_environment\nTOP,Top,\nHOLD,Holding,TOP\n",
        },
        "environments.csv: main_environment: the stored row SUB would become wrong: 'HOLD' is itself a sub "
        "environment of 'TOP'",
    ),
    (
        "a journal's GL account stops being an asset",
        {"gl_accounts.csv": "environment,number,name,type,administration,axes\nHOLD,1100,Bank,expense,,\n"},
        "journals.csv: gl_account: the stored row A1/BNK1 would become wrong: GL account '1100' is of type expense",
    ),
    (
        "an administration's in-transit GL account moves to another administration",
        {
            "administrations.csv": "code,environment,name\nA3,HOLD,Gamma\n",
            "gl_accounts.csv": "environment,number,name,type,administration,axes\nHOLD,1650,Onderweg,asset,A3,\n",
        },
        "administrations.csv: in_transit_gl_account: the stored row A1 would become wrong: GL account '1650' "
        "belongs to administration 'A3'",
    ),
    (
        "an allocation's GL account loses an axis",
        {"gl_accounts.csv": "environment,number,name,type,administration,axes\nHOLD,1010,Kruisposten pin,asset,,1\n"},
        "allocations.csv: axis_codes: the stored row HOLD/RABONL2U/N121//Verk.punt PT5101 would become wrong: "
        "GL account '1010' has no allocation axis '2'",
    ),
]


@pytest.mark.postgres
@pytest.mark.parametrize(("case", "files", "message"), STORED_BREAKS, ids=[b[0] for b in STORED_BREAKS])
def test_a_bundle_that_breaks_stored_rows_is_refused_and_nothing_is_stored(
    settings: Settings, tmp_path: Path, case: str, files: dict[str, str], message: str
) -> None:
    """Stored rows the bundle does not repeat are checked against what the bundle changes:
    before, such a load went in and left master data that its own dump could not load."""
    load_bundle(write_bundle(tmp_path / "in", FULL), unit_of_work(settings))
    before = dump_text(settings, tmp_path / "before")
    with pytest.raises(BundleRejected) as info:
        load_bundle(write_bundle(tmp_path / "change", files), unit_of_work(settings))
    assert any(str(e).startswith(message) for e in info.value.errors), [str(e) for e in info.value.errors]
    assert dump_text(settings, tmp_path / "after") == before


@pytest.mark.postgres
def test_a_bundle_that_changes_the_stored_row_too_is_accepted(settings: Settings, tmp_path: Path) -> None:
    """The same change as above, with the journal moved to another bank GL account in the same bundle."""
    load_bundle(write_bundle(tmp_path / "in", FULL), unit_of_work(settings))
    change = {
        "gl_accounts.csv": "environment,number,name,type,administration,axes\n"
        "HOLD,1100,Bank,expense,,\nHOLD,1110,Rabobank,asset,,\n",
        "journals.csv": FULL["journals.csv"].replace(
            "NL44RABO0123456789,RABONL2U,EUR,1100", "NL44RABO0123456789,RABONL2U,EUR,1110"
        ),
    }
    load_bundle(write_bundle(tmp_path / "change", change), unit_of_work(settings))
    dumped = dump_text(settings, tmp_path / "out")
    assert "A1,BNK1,Rabobank,NL44RABO0123456789,RABONL2U,EUR,1110," in dumped["journals.csv"]
    load_bundle(tmp_path / "out", unit_of_work(settings))  # the dump loads again
