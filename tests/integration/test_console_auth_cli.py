"""`hirebridge users`: the console's accounts from the command line, the password on standard input."""

from __future__ import annotations

import psycopg
import pytest
from typer.testing import CliRunner

from hirebridge.cli import app


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HIREBRIDGE_DATABASE_URL", database_url)
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(app, ["users", *args], input=input)


def test_add_list_set_role_remove(run, database_url: str) -> None:
    added = run("add", "Ada@Example.com", "--role", "operator", input="a long enough secret\n")
    assert added.exit_code == 0, added.output
    assert "added ada@example.com as operator" in added.output
    with psycopg.connect(database_url) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM console_accounts").fetchone()
    assert stored.startswith("$argon2id$") and "secret" not in stored
    assert run("add", "ada@example.com", "--role", "viewer", input="a long enough secret\n").exit_code == 1
    assert run("add", "bob@example.com", "--role", "viewer", input="short\n").exit_code == 2
    assert run("add", "not-an-address", "--role", "viewer", input="a long enough secret\n").exit_code == 2
    assert run("add", "sso@example.com", "--role", "admin", "--no-password").exit_code == 0
    listed = run("list")
    assert "ada@example.com\toperator\tpassword" in listed.output
    assert "sso@example.com\tadmin\tidentity provider" in listed.output
    assert run("set-role", "ada@example.com", "admin").exit_code == 0
    assert run("set-role", "ada@example.com", "root").exit_code == 2
    assert run("remove", "ada@example.com").exit_code == 0
    assert run("remove", "ada@example.com").exit_code == 1
    assert "ada@example.com" not in run("list").output
