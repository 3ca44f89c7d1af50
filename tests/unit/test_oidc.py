"""OpenID Connect sign-in, the pure parts: the authorization request, the ID token's signature and
claims, the role mapping, the provider's discovery document and the settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import ValidationError

from hirebridge.config.oidc import OidcSettings
from hirebridge.connectors.oidc import ProviderMisconfigured, read_discovery
from hirebridge.domain.oidc import (
    AuthRequest,
    Expected,
    SignInRefused,
    UnknownSigningKey,
    authorization_url,
    check_claims,
    code_challenge,
    role_from_claims,
    verify_signature,
)

ISSUER = "https://id.example.com"
CLIENT = "hirebridge-console"
NOW = 1_800_000_000.0
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def jwk(key: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = jwt.algorithms.RSAAlgorithm if alg.startswith("RS") else jwt.algorithms.ECAlgorithm
    return {**algorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid, "alg": alg, "use": "sig"}


JWKS = {"keys": [jwk(RSA_KEY, "rsa1", "RS256"), jwk(EC_KEY, "ec1", "ES256")]}


def claims(**changes: Any) -> dict[str, Any]:
    base = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "00u1",
        "iat": int(NOW) - 5,
        "exp": int(NOW) + 300,
        "nonce": "n-123",
        "email": "Ada@Example.com",
        "email_verified": True,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload: dict[str, Any], key: Any = RSA_KEY, alg: str = "RS256", **header: Any) -> str:
    headers = {k: v for k, v in {"kid": "rsa1", **header}.items() if v is not None}
    return jwt.encode(payload, key, algorithm=alg, headers=headers)


EXPECTED = Expected(issuer=ISSUER, client_id=CLIENT, nonce="n-123", now=NOW, leeway=60)


def test_code_challenge_is_rfc_7636_s256() -> None:
    # RFC 7636, Appendix B.
    assert code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_authorization_url_carries_state_nonce_and_pkce() -> None:
    request = AuthRequest.fresh()
    assert len(request.code_verifier) >= 43 and request.state != request.nonce
    url = authorization_url(
        "https://id.example.com/authorize?tenant=x",
        client_id=CLIENT,
        redirect_uri="https://hb.example.com/console/oidc/callback",
        scopes=["openid", "email"],
        request=request,
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query == {
        "tenant": "x",
        "response_type": "code",
        "client_id": CLIENT,
        "redirect_uri": "https://hb.example.com/console/oidc/callback",
        "scope": "openid email",
        "state": request.state,
        "nonce": request.nonce,
        "code_challenge": code_challenge(request.code_verifier),
        "code_challenge_method": "S256",
    }


def test_a_good_token_verifies() -> None:
    assert verify_signature(sign(claims()), JWKS)["sub"] == "00u1"
    ec_token = jwt.encode(claims(), EC_KEY, algorithm="ES256", headers={"kid": "ec1"})
    assert verify_signature(ec_token, JWKS)["sub"] == "00u1"


def _tampered() -> str:
    head, _, sig = sign(claims()).split(".")
    other = sign(claims(email="mallory@example.com")).split(".")[1]
    return f"{head}.{other[:-2]}AA.{sig}"


@pytest.mark.parametrize(
    ("token", "jwks", "algorithms", "refusal"),
    [
        pytest.param(
            jwt.encode(claims(), None, algorithm="none"), JWKS, None, "signed with 'none'", id="none"
        ),
        pytest.param(
            sign(claims(), "client-secret-xyz-at-least-32-bytes!", "HS256"),
            JWKS,
            None,
            "'HS256'",
            id="hs256-with-secret",
        ),
        pytest.param(sign(claims(), OTHER_RSA_KEY), JWKS, None, "does not verify", id="bad-signature"),
        pytest.param(_tampered(), JWKS, None, "does not verify", id="tampered-payload"),
        pytest.param(
            sign(claims(), kid="gone"), JWKS, None, "no RS256 key with kid 'gone'", id="unknown-kid"
        ),
        pytest.param(sign(claims(), alg="RS384"), JWKS, None, "no RS384 key", id="alg-not-the-keys"),
        pytest.param(
            jwt.encode(claims(), EC_KEY, algorithm="ES256", headers={"kid": "ec1"}),
            JWKS,
            ["RS256"],
            "accepted: RS256",
            id="alg-provider-does-not-offer",
        ),
        pytest.param("not-a-jwt", JWKS, None, "not a signed JWT", id="garbage"),
        pytest.param(
            sign(claims(), kid=None),
            {"keys": [*JWKS["keys"], jwk(OTHER_RSA_KEY, "rsa2", "RS256")]},
            None,
            "names no key",
            id="no-kid-several-keys",
        ),
        pytest.param(
            sign(claims()),
            {"keys": [{**jwk(RSA_KEY, "rsa1", "RS256"), "use": "enc"}]},
            None,
            "no RS256 key",
            id="encryption-key",
        ),
    ],
)
def test_signatures_refused(token: str, jwks: dict, algorithms: list[str] | None, refusal: str) -> None:
    with pytest.raises(SignInRefused, match=refusal) as caught:
        verify_signature(token, jwks, **({"algorithms": algorithms} if algorithms else {}))
    assert caught.value.status == 400


def test_unknown_kid_is_its_own_class_so_the_keys_are_fetched_again() -> None:
    with pytest.raises(UnknownSigningKey):
        verify_signature(sign(claims(), kid="rotated"), JWKS)


def test_a_token_without_kid_uses_the_only_key() -> None:
    assert verify_signature(sign(claims(), kid=None), {"keys": [jwk(RSA_KEY, "k", "RS256")]})["sub"] == "00u1"


def test_good_claims_give_the_person() -> None:
    person = check_claims(claims(), EXPECTED)
    assert (person.subject, person.email) == ("00u1", "ada@example.com")
    assert check_claims(claims(aud=[CLIENT], azp=CLIENT), EXPECTED).email == "ada@example.com"
    assert check_claims(claims(exp=int(NOW) - 30), EXPECTED).subject == "00u1"  # within leeway


DOMAINS = Expected(issuer=ISSUER, client_id=CLIENT, nonce="n-123", now=NOW, allowed_domains=["example.com"])


@pytest.mark.parametrize(
    ("token_claims", "expected", "refusal", "status"),
    [
        (claims(iss="https://evil.example.com"), EXPECTED, "issuer", 400),
        (claims(iss=ISSUER + "/"), EXPECTED, "issuer", 400),
        (claims(aud="another-client"), EXPECTED, r"\(aud\)", 400),
        (claims(aud=[CLIENT, "another-client"]), EXPECTED, "other clients", 400),
        (claims(azp="another-client"), EXPECTED, r"\(azp\)", 400),
        (claims(exp=int(NOW) - 61), EXPECTED, "expired", 400),
        (claims(exp=None), EXPECTED, "missing", 400),
        (claims(exp=True), EXPECTED, "not a number", 400),
        (claims(iat=int(NOW) + 120), EXPECTED, "future", 400),
        (claims(nbf=int(NOW) + 120), EXPECTED, "future", 400),
        (claims(iat=int(NOW) - 3600), EXPECTED, "too long ago", 400),
        (claims(nonce="n-456"), EXPECTED, "nonce", 400),
        (claims(nonce=None), EXPECTED, "nonce", 400),
        (claims(sub=""), EXPECTED, "subject", 400),
        (claims(email=None), EXPECTED, "no email", 403),
        (claims(email="nobody"), EXPECTED, "no email", 403),
        (claims(email_verified=False), EXPECTED, "email_verified", 403),
        (claims(email_verified="true"), EXPECTED, "email_verified", 403),
        (claims(email_verified=None), EXPECTED, "email_verified", 403),
        (claims(email="otto@elsewhere.test"), DOMAINS, "elsewhere.test may not", 403),
        (claims(email="ada@eu.example.com"), DOMAINS, "eu.example.com may not", 403),
    ],
)
def test_claims_refused(token_claims: dict, expected: Expected, refusal: str, status: int) -> None:
    with pytest.raises(SignInRefused, match=refusal) as caught:
        check_claims(token_claims, expected)
    assert caught.value.status == status


def test_an_unverified_email_passes_only_where_verification_is_not_required() -> None:
    lenient = Expected(
        issuer=ISSUER,
        client_id=CLIENT,
        nonce="n-123",
        now=NOW,
        allowed_domains=["example.com"],
        require_email_verified=False,
    )
    assert check_claims(claims(email_verified=None), lenient).email == "ada@example.com"
    with pytest.raises(SignInRefused, match=r"elsewhere\.test"):
        check_claims(claims(email_verified=None, email="otto@elsewhere.test"), lenient)


def test_allowed_domain_is_matched_case_insensitively() -> None:
    assert check_claims(claims(email="Ada@EXAMPLE.com"), DOMAINS).email == "ada@example.com"


ROLES = {"hb-admins": "admin", "hb-ops": "operator", "everyone": "viewer"}


@pytest.mark.parametrize(
    ("value", "claim", "role"),
    [
        (["everyone", "hb-ops"], "groups", "operator"),
        (["hb-admins", "everyone"], "groups", "admin"),
        ("hb-ops", "groups", "operator"),
        (["marketing"], "groups", None),
        (None, "groups", None),
        ({"hb-admins": True}, "groups", None),
        (["hb-admins"], None, None),
    ],
)
def test_role_from_claims(value: Any, claim: str | None, role: str | None) -> None:
    token_claims = claims(groups=value)
    assert role_from_claims(token_claims, claim, ROLES if claim else {}) == role  # type: ignore[arg-type]


DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "jwks_uri": f"{ISSUER}/keys",
}


def test_discovery_defaults() -> None:
    meta = read_discovery(DISCOVERY, ISSUER)
    assert (meta.token_auth_method, meta.algorithms) == ("client_secret_basic", ("RS256",))
    post = read_discovery(
        {**DISCOVERY, "token_endpoint_auth_methods_supported": ["client_secret_post"]}, ISSUER
    )
    assert post.token_auth_method == "client_secret_post"


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"issuer": "https://other.example.com"}, "issuer"),
        ({"token_endpoint": "http://id.example.com/token"}, "token_endpoint"),
        ({"jwks_uri": None}, "jwks_uri"),
        ({"response_types_supported": ["id_token"]}, "authorization code"),
        ({"token_endpoint_auth_methods_supported": ["private_key_jwt"]}, "neither"),
        ({"id_token_signing_alg_values_supported": ["HS256", "none"]}, "hirebridge accepts"),
    ],
)
def test_discovery_refused(changes: dict, refusal: str) -> None:
    with pytest.raises(ProviderMisconfigured, match=refusal):
        read_discovery({**DISCOVERY, **changes}, ISSUER)


BASE = {"issuer": ISSUER, "client_id": CLIENT, "client_secret": "s"}


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"issuer": "http://id.example.com"}, "https"),
        ({"issuer": "https://id.example.com?x=1"}, "https"),
        ({"scopes": ["email", "profile"]}, "openid"),
        ({"scopes": ["openid"]}, "email"),
        ({"default_role": "viewer"}, "allowed_domains"),
        ({"allowed_domains": ["@example.com"]}, "lower-case"),
        ({"allowed_domains": ["Example.com"]}, "lower-case"),
        ({"require_email_verified": False}, "directory owns"),
        ({"role_claim": "groups"}, "go together"),
        ({"roles": {"x": "admin"}}, "go together"),
        ({"roles": {"x": "root"}, "role_claim": "groups"}, "viewer"),
    ],
)
def test_settings_refused(changes: dict, refusal: str) -> None:
    with pytest.raises(ValidationError, match=refusal):
        OidcSettings.model_validate({**BASE, **changes})


def test_settings_accepted() -> None:
    settings = OidcSettings.model_validate(
        {
            **BASE,
            "issuer": "http://127.0.0.1:8104",
            "default_role": "viewer",
            "allowed_domains": ["example.com"],
        }
    )
    assert settings.scopes == ["openid", "email", "profile"] and settings.leeway_seconds == 60


def test_fresh_requests_differ() -> None:
    first, second = AuthRequest.fresh(), AuthRequest.fresh()
    assert len({first.state, first.nonce, second.state, second.nonce}) == 4
