"""An OpenID Connect provider: its discovery document, its signing keys (JWKS) and the
authorization-code exchange (OpenID Connect Discovery 1.0; RFC 8414; OpenID Connect Core 1.0).

The discovery document and the JWKS are kept for an hour; an ID token naming a key the cached JWKS
lacks fetches it again (providers rotate keys), at most once a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import httpx2

from hirebridge.config.oidc import OidcSettings, is_secure_url
from hirebridge.connectors.errors import ConnectorError, PermanentError
from hirebridge.connectors.http import ServiceClient
from hirebridge.domain.oidc import ALGORITHMS

SERVICE = "oidc"
CACHE_SECONDS = 3600.0
JWKS_REFRESH_SECONDS = 60.0


class ProviderMisconfigured(PermanentError):
    """The identity provider's discovery document or token answer is not what OpenID Connect requires."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_auth_method: str  # client_secret_basic or client_secret_post
    algorithms: tuple[str, ...]


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str | None


def read_discovery(body: object, issuer: str) -> ProviderMetadata:
    """The parts of a discovery document sign-in needs, checked (OpenID Connect Discovery 1.0, 4.3:
    the document's issuer must be the configured one exactly)."""
    if not isinstance(body, dict):
        raise ProviderMisconfigured("the discovery document is not a JSON object", service=SERVICE)
    if body.get("issuer") != issuer:
        raise ProviderMisconfigured(
            f"the discovery document's issuer {body.get('issuer')!r} is not the configured {issuer!r}",
            service=SERVICE,
        )
    urls = {}
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = body.get(name)
        if not isinstance(value, str) or not is_secure_url(value):
            raise ProviderMisconfigured(
                f"the discovery document's {name} is not an https URL", service=SERVICE
            )
        urls[name] = value
    if "code" not in body.get("response_types_supported", ["code"]):
        raise ProviderMisconfigured(
            "the provider does not offer the authorization code flow", service=SERVICE
        )
    # Discovery 1.0, section 3: an absent list means client_secret_basic only.
    methods = body.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = next((m for m in ("client_secret_basic", "client_secret_post") if m in methods), None)
    if method is None:
        raise ProviderMisconfigured(
            f"the token endpoint accepts neither client_secret_basic nor client_secret_post ({methods})",
            service=SERVICE,
        )
    offered = body.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(a for a in offered if a in ALGORITHMS)
    if not algorithms:
        raise ProviderMisconfigured(
            f"the provider signs ID tokens with {offered} only; hirebridge accepts {', '.join(ALGORITHMS)}",
            service=SERVICE,
        )
    return ProviderMetadata(
        issuer=issuer,
        token_auth_method=method,
        algorithms=algorithms,
        **urls,
    )


def read_tokens(body: object) -> Tokens:
    if not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
        raise ProviderMisconfigured(
            "the token endpoint returned no ID token: is `openid` among the scopes?", service=SERVICE
        )
    if str(body.get("token_type", "")).lower() != "bearer":
        raise ProviderMisconfigured("the token endpoint's token_type is not Bearer", service=SERVICE)
    access = body.get("access_token")
    return Tokens(id_token=body["id_token"], access_token=access if isinstance(access, str) else None)


def oauth_error(exc: ConnectorError) -> str:
    """The provider's own `error` (RFC 6749, section 5.2), for an operator to look up."""
    body = exc.body if isinstance(exc.body, dict) else {}
    error, description = body.get("error"), body.get("error_description")
    detail = f"{error}: {description}" if error and description else error
    return f"{exc.summary} ({detail})" if detail else exc.summary


class OidcProvider:
    def __init__(
        self,
        settings: OidcSettings,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._clock = clock
        common: dict[str, Any] = {
            "service": SERVICE,
            "base_url": settings.issuer,
            "requests_per_second": 10,
            "transport": transport,
            "timeout": 10.0,
            "attempts": 3,
            "max_inline_wait": 5.0,
        }
        # RFC 6749, section 2.3.1: the id and secret are form-encoded before they go into Basic.
        secret = settings.client_secret.get_secret_value()
        basic = (quote_plus(settings.client_id), quote_plus(secret))
        self._public = ServiceClient(auth=None, **common)
        self._basic = ServiceClient(auth=basic, **common)
        self._metadata: tuple[float, ProviderMetadata] | None = None
        self._jwks: tuple[float, dict[str, Any]] | None = None

    async def aclose(self) -> None:
        await self._public.aclose()
        await self._basic.aclose()

    async def metadata(self) -> ProviderMetadata:
        now = self._clock()
        if self._metadata is None or now - self._metadata[0] > CACHE_SECONDS:
            url = f"{self.settings.issuer.rstrip('/')}/.well-known/openid-configuration"
            response = await self._public.request("GET", url)
            self._metadata = (now, read_discovery(_json(response), self.settings.issuer))
        return self._metadata[1]

    async def jwks(self, *, refresh: bool = False) -> dict[str, Any]:
        """The provider's keys; `refresh` fetches them again unless that was done within a minute."""
        now = self._clock()
        age = now - self._jwks[0] if self._jwks else None
        if age is None or age > CACHE_SECONDS or (refresh and age > JWKS_REFRESH_SECONDS):
            response = await self._public.request("GET", (await self.metadata()).jwks_uri)
            body = _json(response)
            if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
                raise ProviderMisconfigured(
                    "the provider's jwks_uri does not answer a JWK set", service=SERVICE
                )
            self._jwks = (now, body)
        assert self._jwks is not None
        return self._jwks[1]

    async def exchange_code(self, code: str, *, redirect_uri: str, code_verifier: str) -> Tokens:
        meta = await self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        client = self._basic
        if meta.token_auth_method == "client_secret_post":
            client = self._public
            form |= {"client_id": self.settings.client_id, "client_secret": self._secret()}
        # A code is spent by its first use: never resent after an ambiguous failure.
        response = await client.request("POST", meta.token_endpoint, data=form, idempotent=False)
        return read_tokens(_json(response))

    def _secret(self) -> str:
        return self.settings.client_secret.get_secret_value()


def _json(response: httpx2.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
