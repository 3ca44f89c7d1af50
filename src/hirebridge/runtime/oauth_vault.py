"""OAuth tokens kept in the store, sealed with HIREBRIDGE_SECRET_KEY, shared by every process.

The access token is cached per process; a refresh takes a database advisory lock for the connection
and reads the row again under it, so of several workers finding the token expired only the first
spends the refresh token (a rotated token presented twice would revoke the grant).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.justworks import JustworksConnection
from hirebridge.config.models import LeverConnection
from hirebridge.config.secret_key import TokenCipher
from hirebridge.connectors.errors import GrantRefused, NotConnected
from hirebridge.connectors.oauth import BearerOAuth, TokenSet
from hirebridge.store import oauth_tokens
from hirebridge.store.oauth_tokens import SealedTokens


class StoredTokenVault:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        connection: str,
        cipher: TokenCipher | Callable[[], TokenCipher],
        service: str = "lever",
    ) -> None:
        self.pool = pool
        self.connection = connection  # `main` (Lever) or `justworks:main`
        self.service = service
        # A factory defers reading HIREBRIDGE_SECRET_KEY until a token is sealed or opened.
        self._cipher = cipher
        self._cached: TokenSet | None = None
        self._lock = asyncio.Lock()

    @property
    def cipher(self) -> TokenCipher:
        if not isinstance(self._cipher, TokenCipher):
            self._cipher = self._cipher()
        return self._cipher

    async def current(self) -> TokenSet | None:
        if self._cached is not None and not self._cached.expiring(time.time()):
            return self._cached
        async with self.pool.connection() as conn:
            return self._open(await oauth_tokens.get(conn, self.connection))

    @asynccontextmanager
    async def lease(self) -> AsyncIterator[_Lease]:
        async with self._lock:
            try:
                async with self.pool.connection() as conn, conn.transaction():
                    await oauth_tokens.lock(conn, self.connection)
                    tokens = self._open(await oauth_tokens.get(conn, self.connection))
                    if tokens is None:
                        raise NotConnected(
                            f"connection '{self.connection}' is not connected", service=self.service
                        )
                    yield _Lease(self, conn, tokens)
            except GrantRefused as exc:
                # Kept, so that every process fails fast until someone connects again.
                async with self.pool.connection() as conn:
                    await oauth_tokens.refuse(conn, self.connection, exc.message)
                self._cached = None
                raise

    async def connect(self, tokens: TokenSet) -> None:
        """Tokens of a new grant (the OAuth callback)."""
        async with self.pool.connection() as conn:
            await oauth_tokens.connect(conn, self.connection, self.seal(tokens))
        self._cached = tokens

    async def forget(self) -> None:
        async with self.pool.connection() as conn:
            await oauth_tokens.delete(conn, self.connection)
        self._cached = None

    def seal(self, tokens: TokenSet) -> SealedTokens:
        return SealedTokens(
            access_token=self.cipher.encrypt(tokens.access_token),
            refresh_token=self.cipher.encrypt(tokens.refresh_token) if tokens.refresh_token else None,
            expires_at=datetime.fromtimestamp(tokens.expires_at, UTC),
            scope=tokens.scope,
        )

    def _open(self, sealed: SealedTokens | None) -> TokenSet | None:
        if sealed is None:
            self._cached = None
            return None
        if sealed.refused:
            raise GrantRefused(sealed.refused, service=self.service)
        self._cached = TokenSet(
            access_token=self.cipher.decrypt(sealed.access_token),
            refresh_token=self.cipher.decrypt(sealed.refresh_token) if sealed.refresh_token else None,
            expires_at=sealed.expires_at.timestamp(),
            scope=sealed.scope,
        )
        return self._cached


class _Lease:
    def __init__(self, vault: StoredTokenVault, conn: AsyncConnection, tokens: TokenSet) -> None:
        self._vault = vault
        self._conn = conn
        self.tokens = tokens

    async def save(self, tokens: TokenSet) -> None:
        await oauth_tokens.refreshed(self._conn, self._vault.connection, self._vault.seal(tokens))
        self.tokens = tokens
        self._vault._cached = tokens


def lever_oauth(
    pool: AsyncConnectionPool, name: str, connection: LeverConnection, environ: Mapping[str, str] = os.environ
) -> BearerOAuth | None:
    """The auth of an OAuth connection (None for one with an API key)."""
    if connection.oauth is None:
        return None
    return BearerOAuth(connection.oauth, StoredTokenVault(pool, name, TokenCipher.from_env(environ)))


def justworks_oauth(
    pool: AsyncConnectionPool,
    name: str,
    connection: JustworksConnection,
    environ: Mapping[str, str] = os.environ,
) -> BearerOAuth:
    vault = StoredTokenVault(pool, f"justworks:{name}", lambda: TokenCipher.from_env(environ), "justworks")
    return BearerOAuth(connection, vault)
