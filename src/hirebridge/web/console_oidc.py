"""Console sign-in through an OpenID Connect provider: `GET {prefix}/start` sends the browser to the
provider, `GET {prefix}/callback` checks what comes back and hands a verified email to the console's
session hook.

What a sign-in must find again at the callback (state, nonce, PKCE verifier) travels in a cookie
sealed with HIREBRIDGE_SECRET_KEY (encrypted and authenticated), valid ten minutes, sent only to the
callback and dropped there: nothing is stored server-side.
"""

from __future__ import annotations

import hmac
import json
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

import structlog
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hirebridge.config.oidc import OidcSettings, Role
from hirebridge.config.secret_key import TokenCipher
from hirebridge.connectors.errors import ConnectorError
from hirebridge.connectors.oidc import OidcProvider, oauth_error
from hirebridge.domain.oidc import (
    AuthRequest,
    Expected,
    SignInRefused,
    UnknownSigningKey,
    authorization_url,
    check_claims,
    role_from_claims,
    verify_signature,
)
from hirebridge.web.pages import message_page

log = structlog.get_logger(__name__)

COOKIE_NAME = "hirebridge_oidc"
COOKIE_SECONDS = 600

T = TypeVar("T")
SessionHook = Callable[[Request, str, Role | None], Awaitable[Response]]


@dataclass(frozen=True)
class OidcIdentity:
    subject: str
    email: str
    role: Role | None  # what the provider's claims map to (`role_claim`), if configured and matched
    next: str = ""  # the console page the sign-in was started from, to go back to


def is_local_path(path: str) -> bool:
    """A path on this site: never another site's address (an open redirect)."""
    return path.startswith("/") and not path.startswith("//") and "\\" not in path and len(path) < 500


class OidcSignIn:
    def __init__(
        self,
        settings: OidcSettings,
        cipher: TokenCipher,
        provider: OidcProvider | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.provider = provider or OidcProvider(settings)
        self._cipher = cipher
        self._clock = clock

    @classmethod
    def from_env(cls, settings: OidcSettings, environ: Mapping[str, str] = os.environ) -> OidcSignIn:
        """Raises SecretKeyMissing when HIREBRIDGE_SECRET_KEY is not set."""
        return cls(settings, TokenCipher.from_env(environ))

    async def aclose(self) -> None:
        await self.provider.aclose()

    async def begin(self, redirect_uri: str, next_path: str = "") -> tuple[str, str]:
        """The provider's address to send the browser to, and the value of the cookie to set;
        `next_path`, a path on this site, comes back in the identity."""
        meta = await _reach(self.provider.metadata())
        request = AuthRequest.fresh()
        url = authorization_url(
            meta.authorization_endpoint,
            client_id=self.settings.client_id,
            redirect_uri=redirect_uri,
            scopes=self.settings.scopes,
            request=request,
        )
        pending = {"s": request.state, "n": request.nonce, "v": request.code_verifier, "r": redirect_uri}
        pending["p"] = next_path if is_local_path(next_path) else ""
        return url, self._cipher.encrypt(json.dumps(pending))

    async def finish(self, query: Mapping[str, str], cookie_value: str, redirect_uri: str) -> OidcIdentity:
        """The person the provider vouches for; SignInRefused says why not."""
        pending = self._pending(cookie_value)
        if pending["r"] != redirect_uri:
            raise SignInRefused("this sign-in was started for another address: start again")
        if not hmac.compare_digest(query.get("state", "").encode(), pending["s"].encode()):
            raise SignInRefused("the provider's answer is not for this sign-in (state): start again")
        if "iss" in query and query["iss"] != self.settings.issuer:
            # RFC 9207: the answer came from another provider than the one this sign-in went to.
            raise SignInRefused("the answer names another identity provider (iss): start again")
        if "error" in query:
            error = query["error"][:60]
            described = f"{error}: {query.get('error_description', '')[:200]}".rstrip(": ")
            status = 403 if error == "access_denied" else 400
            raise SignInRefused(f"the identity provider did not sign you in ({described})", status=status)
        if not query.get("code"):
            raise SignInRefused("the provider's answer has no authorization code")
        tokens = await _reach(
            self.provider.exchange_code(query["code"], redirect_uri=redirect_uri, code_verifier=pending["v"]),
            exchange=True,
        )
        claims = await self._verified_claims(tokens.id_token)
        person = check_claims(
            claims,
            Expected(
                issuer=self.settings.issuer,
                client_id=self.settings.client_id,
                nonce=pending["n"],
                now=self._clock(),
                leeway=self.settings.leeway_seconds,
                allowed_domains=self.settings.allowed_domains,
                require_email_verified=self.settings.require_email_verified,
            ),
        )
        role = role_from_claims(claims, self.settings.role_claim, self.settings.roles)
        return OidcIdentity(person.subject, person.email, role, pending.get("p", ""))

    def _pending(self, cookie_value: str) -> dict[str, str]:
        plain = self._cipher.unseal(cookie_value, ttl=COOKIE_SECONDS) if cookie_value else None
        try:
            pending = json.loads(plain) if plain else None
        except ValueError:
            pending = None
        if not isinstance(pending, dict) or not all(isinstance(pending.get(k), str) for k in "snvr"):
            raise SignInRefused(
                "this sign-in took longer than ten minutes, or began in another browser: start again"
            )
        return pending

    async def _verified_claims(self, id_token: str) -> dict:
        meta = await _reach(self.provider.metadata())
        try:
            return verify_signature(id_token, await _reach(self.provider.jwks()), algorithms=meta.algorithms)
        except UnknownSigningKey:
            fresh = await _reach(self.provider.jwks(refresh=True))
            return verify_signature(id_token, fresh, algorithms=meta.algorithms)


async def _reach(call: Awaitable[T], *, exchange: bool = False) -> T:
    try:
        return await call
    except ConnectorError as exc:
        if exchange and exc.status == 400:  # RFC 6749, section 5.2: the code was refused (expired, spent)
            raise SignInRefused(f"the identity provider refused the sign-in: {oauth_error(exc)}") from None
        raise SignInRefused(
            f"the identity provider could not be used ({oauth_error(exc)}); try again in a moment",
            status=502,
        ) from None


class OidcRoutes:
    """The two routes, to mount in the console's application; `hook` starts a console session for a
    verified email (and the role the provider's claims map to) and returns the response to send."""

    def __init__(
        self, sign_in: OidcSignIn, hook: SessionHook, *, public_url: str, prefix: str = "/console/oidc"
    ) -> None:
        self.sign_in = sign_in
        self.hook = hook
        self.prefix = prefix
        self.redirect_uri = f"{public_url.rstrip('/')}{prefix}/callback"
        # The browser's path of the callback (public_url may carry a reverse proxy's prefix).
        self.cookie_path = urlsplit(self.redirect_uri).path
        self.secure = public_url.startswith("https://")

    def routes(self) -> list[Route]:
        return [
            Route(f"{self.prefix}/start", self.start, methods=["GET"], name="console_oidc_start"),
            Route(f"{self.prefix}/callback", self.callback, methods=["GET"], name="console_oidc_callback"),
        ]

    async def start(self, request: Request) -> Response:
        try:
            url, pending = await self.sign_in.begin(self.redirect_uri, request.query_params.get("next", ""))
        except SignInRefused as exc:
            return self._refused(exc)
        response = RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
        # Lax, not Strict: the provider sends the browser back with a cross-site top-level GET.
        response.set_cookie(
            COOKIE_NAME,
            pending,
            max_age=COOKIE_SECONDS,
            path=self.cookie_path,
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )
        return response

    async def callback(self, request: Request) -> Response:
        try:
            identity = await self.sign_in.finish(
                request.query_params, request.cookies.get(COOKIE_NAME, ""), self.redirect_uri
            )
        except SignInRefused as exc:
            response = self._refused(exc)
        else:
            log.info("console sign-in vouched for by the identity provider", role=identity.role)
            if identity.next:  # the hook reads where to go as a sign-in form's `next`
                scope = {**request.scope, "query_string": urlencode({"next": identity.next}).encode()}
                request = Request(scope, request.receive)
            response = await self.hook(request, identity.email, identity.role)
        response.delete_cookie(
            COOKIE_NAME, path=self.cookie_path, secure=self.secure, httponly=True, samesite="lax"
        )
        return response

    def _refused(self, exc: SignInRefused) -> Response:
        log.warning("console sign-in through the identity provider refused", reason=exc.message)
        return message_page("Not signed in", str(exc), status=exc.status)
