"""The signature token of each Lever webhook hirebridge registered, kept in the process: Lever signs
every delivery with the token of the webhook it came through."""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool

from hirebridge.store import lever_webhooks


class SignatureTokens:
    """Signature tokens by (connection, event), read from the store and re-read on a miss."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool
        self._tokens: dict[tuple[str, str], str] = {}
        self._delivered: set[tuple[str, str, str]] = set()

    async def get(self, connection: str, event: str, *, fresh: bool = False) -> str | None:
        """`fresh`: read the store again (another process may have created the webhook anew)."""
        token = None if fresh else self._tokens.get((connection, event))
        if token is None:
            for hook in (await lever_webhooks.registered(self._pool, connection)).values():
                self._tokens[(connection, hook.event)] = hook.signature_token
            token = self._tokens.get((connection, event))
        return token

    def forget(self) -> None:
        self._tokens.clear()

    async def delivered(self, connection: str, event: str) -> None:
        """Record once per process and webhook that Lever delivers this event (a Super Admin has turned
        it on in Lever's settings); every later event costs a set lookup."""
        token = self._tokens.get((connection, event))
        if token is None or (connection, event, token) in self._delivered:
            return
        await lever_webhooks.mark_delivered(self._pool, connection, event, token)
        self._delivered.add((connection, event, token))
