"""The rollout of changed recipes, renames applied to the ledger, and what the ledger holds per action."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.changes import Moved
from hirebridge.domain.subjects import Subject
from hirebridge.store.sql import QUERIES

Fingerprints = Mapping[tuple[str, str], str]  # (Lever connection, subject kind) → fingerprint


def _current(fingerprints: Fingerprints) -> Jsonb:
    return Jsonb(
        [{"connection": c, "kind": k, "fingerprint": f} for (c, k), f in sorted(fingerprints.items())]
    )


async def claim(conn: AsyncConnection, fingerprints: Fingerprints, limit: int) -> list[Subject]:
    if not fingerprints or limit <= 0:
        return []
    cur = await conn.execute(QUERIES["claim_rollout"], {"current": _current(fingerprints), "limit": limit})
    return [Subject(*row) for row in await cur.fetchall()]


async def in_flight(pool: AsyncConnectionPool, priority: int) -> int:
    async with pool.connection() as conn:
        row = await (await conn.execute(QUERIES["rollout_in_flight"], {"priority": priority})).fetchone()
    return int(row[0]) if row else 0


@dataclass(frozen=True)
class Progress:
    """One Lever connection and subject kind: how many subjects run under the deployed recipes."""

    connection: str
    kind: str
    known: int
    current: int
    failing: int
    approved: bool

    @property
    def pending(self) -> int:
        return self.known - self.current


async def progress(pool: AsyncConnectionPool, fingerprints: Fingerprints) -> list[Progress]:
    async with pool.connection() as conn:
        cur = await conn.execute(QUERIES["rollout_progress"], {"current": _current(fingerprints)})
        rows = await cur.fetchall()
    return [
        Progress(c, k, int(known), int(current), int(failing), approved == fingerprints[(c, k)])
        for c, k, known, current, failing, approved in rows
    ]


async def approve(pool: AsyncConnectionPool, fingerprints: Fingerprints) -> None:
    async with pool.connection() as conn:
        await conn.execute(QUERIES["approve_rollout"], {"current": _current(fingerprints)})


async def approvals(pool: AsyncConnectionPool) -> dict[tuple[str, str], str]:
    async with pool.connection() as conn:
        rows = await (await conn.execute(QUERIES["list_rollout_approvals"])).fetchall()
    return {(str(c), str(k)): str(f) for c, k, f in rows}


async def move_effects(
    pool: AsyncConnectionPool, subject: Subject, moves: Sequence[Moved]
) -> list[tuple[str, str, str, str]]:
    """Apply the renames to the subject's ledger: (old recipe, old key, new recipe, new key) moved."""
    records = []
    for order, move in enumerate(moves):
        old_recipe, old_action, new_recipe, new_action = move.parts()
        records.append(
            {
                "ord": order,
                "from_recipe": old_recipe,
                "from_action": old_action,
                "to_recipe": new_recipe,
                "to_action": new_action,
            }
        )
    args = {"connection": subject.connection, "kind": subject.kind, "id": subject.id, "moves": Jsonb(records)}
    async with pool.connection() as conn:
        cur = await conn.execute(QUERIES["move_effects"], args)
        return [(str(a), str(b), str(c), str(d)) for a, b, c, d in await cur.fetchall()]


async def effect_actions(pool: AsyncConnectionPool) -> list[tuple[str, str, str, str, str, int, int]]:
    """(connection, recipe, action, kind, target, effects, open issues) over the whole ledger."""
    async with pool.connection() as conn:
        rows = await (await conn.execute(QUERIES["effect_actions"])).fetchall()
    return [(str(a), str(b), str(c), str(d), str(e), int(f), int(g)) for a, b, c, d, e, f, g in rows]
