"""A small migration runner: ordered SQL files, applied once each, recorded with a checksum.

procrastinate's own schema is applied by the same runner and recorded under its version, because
procrastinate does not track which of its migrations ran (its docs, howto/production/migrations).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

import procrastinate
from procrastinate.schema import SchemaManager
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from hirebridge.errors import DatabaseError
from hirebridge.store.sql import QUERIES


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def migrations() -> list[Migration]:
    """Procrastinate's schema first (our tables reference nothing of it), then ours in file order."""
    found = [Migration(f"procrastinate-{procrastinate.__version__}", SchemaManager.get_schema())]
    folder = resources.files("hirebridge.store") / "migrations"
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".sql"):
            found.append(Migration(entry.name.removesuffix(".sql"), entry.read_text()))
    return found


async def _applied(conn: AsyncConnection) -> dict[str, str]:
    await conn.execute(QUERIES["create_schema_migrations"])
    rows = await (await conn.execute(QUERIES["list_schema_migrations"])).fetchall()
    return {name: checksum for name, checksum in rows}


async def migrate(pool: AsyncConnectionPool) -> list[str]:
    """Apply what is missing, under an advisory lock so that concurrent starts do not race."""
    done: list[str] = []
    async with pool.connection() as conn, conn.transaction():
        await conn.execute(QUERIES["lock_migrations"])
        applied = await _applied(conn)
        for migration in migrations():
            if migration.name in applied:
                if applied[migration.name] != migration.checksum and not migration.name.startswith(
                    "procrastinate-"
                ):
                    raise DatabaseError(
                        f"migration {migration.name} changed after it was applied; "
                        "add a new migration file instead of editing an applied one"
                    )
                continue
            if migration.name.startswith("procrastinate-") and any(
                name.startswith("procrastinate-") for name in applied
            ):
                raise DatabaseError(
                    f"the database has another procrastinate schema version than {migration.name}; "
                    "apply procrastinate's upgrade migrations first"
                )
            await conn.execute(migration.sql)  # type: ignore[arg-type]
            await conn.execute(
                QUERIES["insert_schema_migration"], {"name": migration.name, "checksum": migration.checksum}
            )
            done.append(migration.name)
    return done
