"""Everything the provider remembers, in memory, behind one object per app: its clients, its test
users, its signing key, and the codes and access tokens it has issued."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.requests import Request

CLIENT_ID = "sim-oidc-client"
CLIENT_SECRET = "sim-oidc-secret"
PASSWORD = "sim-password"
CODE_SECONDS = 60
ACCESS_TOKEN_SECONDS = 3600
ID_TOKEN_SECONDS = 300


@dataclass
class Client:
    secret: str
    redirect_uris: list[str]


@dataclass
class User:
    email: str
    password: str = PASSWORD
    name: str = ""
    email_verified: bool = True
    groups: list[str] = field(default_factory=list)

    @property
    def subject(self) -> str:
        # Stable and opaque, as OpenID Connect Core 1.0 asks of `sub`.
        return "sim|" + hashlib.sha256(self.email.encode()).hexdigest()[:20]


def default_users() -> list[User]:
    return [
        User("ada@example.com", name="Ada Admin", groups=["hirebridge-admins"]),
        User("oscar@example.com", name="Oscar Operator", groups=["hirebridge-operators"]),
        User("vera@example.com", name="Vera Viewer"),
        User("uma@example.com", name="Uma Unverified", email_verified=False),
        User("otto@elsewhere.test", name="Otto Outsider"),
    ]


class SigningKey:
    """An RSA key made at start (and by each rotation); only its public half is published."""

    def __init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_urlsafe(8)

    def jwk(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid})


@dataclass
class Grant:
    """What an authorization code or an access token stands for."""

    client_id: str
    user: User
    scopes: list[str]
    redirect_uri: str = ""
    nonce: str | None = None
    code_challenge: str = ""
    expires_at: float = 0.0
    access_token: str | None = None  # the token a code was exchanged for, revoked if it is presented again


class State:
    def __init__(
        self,
        issuer: str,
        *,
        redirect_uris: list[str],
        users: list[User] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.clients = {CLIENT_ID: Client(CLIENT_SECRET, list(redirect_uris))}
        self.users = {u.email: u for u in (users if users is not None else default_users())}
        self.key = SigningKey()
        self.codes: dict[str, Grant] = {}
        self.spent_codes: dict[str, Grant] = {}
        self.access_tokens: dict[str, Grant] = {}
        self.clock_offset = 0.0
        self._clock = clock
        self.token_requests = 0

    def now(self) -> float:
        return self._clock() + self.clock_offset

    def id_token(self, grant: Grant) -> str:
        now = int(self.now())
        user = grant.user
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": user.subject,
            "aud": grant.client_id,
            "azp": grant.client_id,
            "iat": now,
            "auth_time": now,
            "exp": now + ID_TOKEN_SECONDS,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        return self.key.sign(claims | self.profile(grant))

    def profile(self, grant: Grant) -> dict[str, Any]:
        """The claims the granted scopes release (OpenID Connect Core 1.0, section 5.4)."""
        user, claims = grant.user, {}
        if "email" in grant.scopes:
            claims |= {"email": user.email, "email_verified": user.email_verified}
        if "profile" in grant.scopes and user.name:
            claims["name"] = user.name
        if user.groups:
            claims["groups"] = list(user.groups)
        return claims


def sim(request: Request) -> State:
    return request.app.state.sim
