"""A stateful simulator of an OpenID Connect provider: discovery, a sign-in form for test users,
the authorization code flow with PKCE, signed ID tokens, JWKS and UserInfo. docs/sims/oidc.md is its
manual."""

from __future__ import annotations

from hirebridge.sims.oidc.app import create_app
from hirebridge.sims.oidc.server import serve

__all__ = ["create_app", "serve"]
