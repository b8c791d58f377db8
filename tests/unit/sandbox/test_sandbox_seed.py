"""Seed documents: the demo seed is valid, files are read as YAML or JSON, mistakes name their place."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bankbridge.errors import InputError
from bankbridge.identifiers import iban
from bankbridge.sandbox.seed import account_resource_id, parse_seed, read_seed_file


def test_demo_seed_has_valid_accounts_and_the_four_roles():
    seed = read_seed_file(None)
    accounts = [a for c in seed.customers for a in c.accounts]
    assert all(iban.is_valid(a.iban) and a.bic == "RABONL2U" for a in accounts)
    roles = {(r.username, r.role, r.linking_rights) for c in seed.customers for r in c.roles}
    assert {
        ("jan", "owner", True),
        ("petra", "administrator", True),
        ("kees", "administrator", False),
        ("sanne", "user", False),
    } <= roles
    assert accounts[0].opening_balance == Decimal("12500.00")


def test_json_and_yaml_files(tmp_path):
    document = {
        "users": [{"username": "u", "name": "U"}],
        "customers": [
            {
                "id": "c",
                "name": "C",
                "accounts": [{"iban": "NL91 ABNA 0417 1643 00", "name": "a"}],
                "roles": [{"username": "u", "role": "owner"}],
            }
        ],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(document))
    seed = read_seed_file(path)
    assert seed.customers[0].accounts[0].iban == "NL91ABNA0417164300"
    assert seed.customers[0].accounts[0].bic == "ABNANL2A"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("customers: [", "not valid YAML/JSON"),
        ("- a list", "document: expected a mapping"),
        ("generate: {days: many}", "generate.days: expected a whole number"),
        ("customers:\n  - {id: c, name: C, batch_booking: weekly}", "customers[0].batch_booking: must be"),
        (
            "customers:\n  - {id: c, name: C, accounts:"
            " [{bank: RABO, number: '1', name: a, opening_balance: '1.001'}]}",
            "customers[0].accounts[0]",
        ),
    ],
)
def test_mistakes_name_file_and_place(tmp_path, text, message):
    path = tmp_path / "seed.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")) as caught:
        read_seed_file(path)
    assert str(path) in str(caught.value)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read the seed file"):
        read_seed_file(tmp_path / "nope.yaml")


def test_resource_ids_are_opaque_and_stable():
    first = account_resource_id("NL44RABO0123456789", "s")
    assert first == account_resource_id("NL44RABO0123456789", "s")
    assert "RABO" not in first and first != account_resource_id("NL44RABO0123456789", "t")
    assert parse_seed({}).customers == ()
