"""The key OAuth tokens are encrypted with at rest, from the environment (never from the config file).

`HIREBRIDGE_SECRET_KEY` may list several keys separated by commas: the first encrypts, all decrypt,
so a key is rotated by putting the new one first and dropping the old one once tokens were refreshed.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from hirebridge.errors import HirebridgeError

SECRET_KEY_VARIABLE = "HIREBRIDGE_SECRET_KEY"


class SecretKeyMissing(HirebridgeError):
    """HIREBRIDGE_SECRET_KEY is not set, so stored OAuth tokens can be neither written nor read."""


class SecretKeyWrong(HirebridgeError):
    """A stored OAuth token does not decrypt with HIREBRIDGE_SECRET_KEY: the key changed? Put the old
    key after the new one (comma-separated), or connect again."""


class TokenCipher:
    def __init__(self, secrets: list[str]) -> None:
        if not secrets:
            raise SecretKeyMissing()
        # Any string works as a secret: Fernet wants 32 url-safe base64 bytes, so derive them.
        self._fernet = MultiFernet(
            [Fernet(base64.urlsafe_b64encode(hashlib.sha256(s.encode()).digest())) for s in secrets]
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> TokenCipher:
        raw = environ.get(SECRET_KEY_VARIABLE, "")
        return cls([part.strip() for part in raw.split(",") if part.strip()])

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise SecretKeyWrong() from None

    def unseal(self, sealed: str, *, ttl: int) -> str | None:
        """A value sealed at most `ttl` seconds ago (an OAuth `state`); None if forged or too old."""
        try:
            return self._fernet.decrypt(sealed.encode(), ttl=ttl).decode()
        except InvalidToken:
            return None
