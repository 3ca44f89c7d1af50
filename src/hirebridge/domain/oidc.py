"""OpenID Connect sign-in, the pure part: the authorization request (state, nonce, PKCE S256) and the
ID token's checks (OpenID Connect Core 1.0, section 3.1.3.7; RFC 7636).

Signatures are verified by PyJWT with an asymmetric algorithm the provider's JWKS holds a key for;
`none` and the HMAC algorithms (keyed with the client secret, which every copy of the configuration
holds) are refused. Claims are checked here rather than by PyJWT so each refusal says what was wrong.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt

from hirebridge.config.oidc import Role
from hirebridge.errors import HirebridgeError

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
# The ID token is fetched from the token endpoint right after the code comes back: one issued longer
# ago than this was not issued for this sign-in.
MAX_TOKEN_AGE_SECONDS = 600
ROLE_RANK: Mapping[str, int] = {"viewer": 1, "operator": 2, "admin": 3}


class SignInRefused(HirebridgeError):
    """Sign-in through the identity provider was refused; start again from the sign-in page."""

    def __init__(self, message: str | None = None, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class UnknownSigningKey(SignInRefused):
    """The ID token names a signing key the provider's JWKS does not hold (the provider may have
    rotated its keys)."""


@dataclass(frozen=True)
class AuthRequest:
    """What one sign-in must find again when the provider sends the person back."""

    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def fresh(cls) -> AuthRequest:
        # RFC 7636, section 4.1: 32 random octets make a 43-character verifier.
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(32))

    @property
    def code_challenge(self) -> str:
        return code_challenge(self.code_verifier)


def code_challenge(verifier: str) -> str:
    """RFC 7636, section 4.2: S256 is BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    endpoint: str, *, client_id: str, redirect_uri: str, scopes: Sequence[str], request: AuthRequest
) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": request.state,
        "nonce": request.nonce,
        "code_challenge": request.code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def verify_signature(token: str, jwks: Mapping[str, Any], *, algorithms: Iterable[str] = ALGORITHMS) -> dict:
    """The token's claims once its signature is verified with a key of `jwks`; nothing else checked."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise SignInRefused(f"the ID token is not a signed JWT ({exc})") from None
    alg = header.get("alg")
    accepted = [a for a in algorithms if a in ALGORITHMS]
    if alg not in accepted:
        raise SignInRefused(f"the ID token is signed with {alg!r}; accepted: {', '.join(accepted)}")
    key = signing_key(jwks, header.get("kid"), str(alg))
    options = {
        "verify_signature": True,
        **dict.fromkeys(("verify_exp", "verify_nbf", "verify_iat", "verify_aud", "verify_iss"), False),
    }
    try:
        return jwt.decode(token, key=key, algorithms=[str(alg)], options=options)  # type: ignore[arg-type]
    except jwt.InvalidSignatureError:
        raise SignInRefused("the ID token's signature does not verify with the provider's key") from None
    except jwt.PyJWTError as exc:
        raise SignInRefused(f"the ID token is malformed ({exc})") from None


def signing_key(jwks: Mapping[str, Any], kid: object, alg: str) -> jwt.PyJWK:
    """The JWKS key the header names (`kid`), or the only signing key when it names none."""
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    usable = []
    for data in keys if isinstance(keys, list) else ():
        if not isinstance(data, dict) or data.get("use", "sig") != "sig" or data.get("alg", alg) != alg:
            continue
        if kid is not None and data.get("kid") != kid:
            continue
        try:
            usable.append(jwt.PyJWK(data, algorithm=alg))
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            continue  # a key of another type (an EC key for RS256), or one PyJWT cannot read
    if len(usable) == 1:
        return usable[0]
    if not usable:
        raise UnknownSigningKey(f"the provider's JWKS holds no {alg} key with kid {kid!r}")
    raise SignInRefused("the ID token names no key (kid) and the provider's JWKS holds several")


@dataclass(frozen=True)
class Expected:
    """What the ID token of this sign-in must say."""

    issuer: str
    client_id: str
    nonce: str
    now: float
    leeway: float = 60
    allowed_domains: Sequence[str] = ()
    require_email_verified: bool = True


@dataclass(frozen=True)
class VerifiedPerson:
    subject: str
    email: str


def check_claims(claims: Mapping[str, Any], expected: Expected) -> VerifiedPerson:
    """OpenID Connect Core 1.0, section 3.1.3.7, plus a verified email in an allowed domain."""
    if claims.get("iss") != expected.issuer:
        raise SignInRefused(f"the ID token's issuer {claims.get('iss')!r} is not {expected.issuer!r}")
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences
    if not isinstance(audiences, list) or expected.client_id not in audiences:
        raise SignInRefused("the ID token was not issued to hirebridge's client (aud)")
    if len(audiences) > 1:  # no other audience is trusted
        raise SignInRefused("the ID token is also meant for other clients (aud lists several)")
    if "azp" in claims and claims["azp"] != expected.client_id:
        raise SignInRefused("the ID token was requested by another client (azp)")
    _check_times(claims, expected)
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode(), expected.nonce.encode()):
        raise SignInRefused("the ID token's nonce is not this sign-in's: start again")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise SignInRefused("the ID token has no subject (sub)")
    email = claims.get("email")
    if not isinstance(email, str) or email.count("@") != 1 or email.startswith("@") or email.endswith("@"):
        raise SignInRefused("the provider gave no email address: request the `email` scope", status=403)
    if expected.require_email_verified and claims.get("email_verified") is not True:
        raise SignInRefused("the provider does not vouch for this email address (email_verified)", status=403)
    email = email.strip().lower()
    domain = email.rpartition("@")[2]
    if expected.allowed_domains and domain not in expected.allowed_domains:
        raise SignInRefused(f"email addresses at {domain} may not sign in to this console", status=403)
    return VerifiedPerson(subject=subject, email=email)


def _check_times(claims: Mapping[str, Any], expected: Expected) -> None:
    now, leeway = expected.now, expected.leeway
    exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf", 0)
    if not all(_is_number(v) for v in (exp, iat, nbf)):
        raise SignInRefused("the ID token's exp, iat or nbf is missing or not a number")
    if now > exp + leeway:
        raise SignInRefused("the ID token has expired (exp): check this server's clock")
    if iat > now + leeway or nbf > now + leeway:
        raise SignInRefused("the ID token is issued in the future (iat, nbf): check this server's clock")
    if now - iat > MAX_TOKEN_AGE_SECONDS + leeway:
        raise SignInRefused("the ID token was issued too long ago (iat) for this sign-in")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def role_from_claims(claims: Mapping[str, Any], claim: str | None, roles: Mapping[str, Role]) -> Role | None:
    """The highest role a value of `claim` maps to, or None."""
    if not claim:
        return None
    values = claims.get(claim)
    values = [values] if isinstance(values, str) else values
    mapped = (
        [roles[v] for v in values if isinstance(v, str) and v in roles] if isinstance(values, list) else []
    )
    return max(mapped, key=ROLE_RANK.__getitem__, default=None)
