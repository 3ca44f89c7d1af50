"""The keyed index of candidate (and requisition) names: search by name without storing a name.

Each name is cut into normalised tokens (case and accents folded), and each token is kept only as an
HMAC-SHA256 under a key derived from the instance's secret. A token matches only a whole token
typed in full; without the secret the stored digests cannot be tested against guessed names.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hirebridge.config.secret_key import SECRET_KEY_VARIABLE
from hirebridge.domain.requisition import RequisitionSnapshot
from hirebridge.domain.snapshot import OpportunitySnapshot

DIGEST_BYTES = 16
MAX_TOKENS = 8  # a name longer than this is indexed by its first tokens
_SPLIT = re.compile(r"[^\w]+|_")


def searchable(snapshot: OpportunitySnapshot | RequisitionSnapshot) -> str:
    """What a subject is found by besides its id: a candidate's name, a requisition's name and code."""
    if isinstance(snapshot, OpportunitySnapshot):
        return snapshot.name
    return f"{snapshot.name} {snapshot.code}"


def name_tokens(name: str) -> list[str]:
    """`"Cléo  O'Brien-Smith"` → `["cleo", "o", "brien", "smith"]`: the words, folded, in order, unique."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return list(dict.fromkeys(t for t in _SPLIT.split(plain) if t))[:MAX_TOKENS]


@dataclass(frozen=True)
class NameIndex:
    """Digests under every key: the first writes, all are searched, so the secret can be rotated as
    HIREBRIDGE_SECRET_KEY is (new key first; names are indexed again as reconciles read them)."""

    keys: tuple[bytes, ...]

    @classmethod
    def from_secrets(cls, secrets: Sequence[str]) -> NameIndex | None:
        # A key of its own, so the index never shares a key with the token encryption.
        keys = tuple(hashlib.sha256(b"hirebridge name index\0" + s.encode()).digest() for s in secrets if s)
        return cls(keys) if keys else None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> NameIndex | None:
        """None when HIREBRIDGE_SECRET_KEY is unset: then names are neither indexed nor searchable."""
        raw = environ.get(SECRET_KEY_VARIABLE, "")
        return cls.from_secrets([part.strip() for part in raw.split(",") if part.strip()])

    def digest(self, token: str, key: bytes | None = None) -> bytes:
        mac = hmac.new(key or self.keys[0], token.encode(), hashlib.sha256)
        return mac.digest()[:DIGEST_BYTES]

    def written(self, name: str) -> list[bytes]:
        """What is stored for a name."""
        return [self.digest(t) for t in name_tokens(name)]

    def searched(self, text: str) -> list[list[bytes]]:
        """Per token typed, its digest under each key (a subject matches when it holds every token)."""
        return [[self.digest(t, k) for k in self.keys] for t in name_tokens(text)]
