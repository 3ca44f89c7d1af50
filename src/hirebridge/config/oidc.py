"""Optional sign-in to the console through the company's OpenID Connect identity provider, configured
under `console.oidc` (docs/console-oidc.md shows an example for common providers).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

Role = Literal["viewer", "operator", "admin"]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_secure_url(url: str) -> bool:
    """https, or plain http to this machine only (a provider run locally for trials)."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)


class OidcSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: str = Field(
        description="The provider's issuer identifier, exactly as its discovery document and ID tokens "
        "say it (https; http only on loopback); discovery is read from "
        "ISSUER/.well-known/openid-configuration."
    )
    client_id: str = Field(min_length=1, description="The client registered for hirebridge at the provider.")
    client_secret: SecretStr = Field(description="Its secret: `${OIDC_CLIENT_SECRET}`, never inline.")
    display_name: str = Field(
        default="your identity provider",
        max_length=60,
        description='The sign-in page\'s button: "Sign in with <display_name>".',
    )
    scopes: list[str] = Field(
        default_factory=lambda: ["openid", "email", "profile"],
        description="Requested scopes; openid and email are needed.",
    )
    allowed_domains: list[str] = Field(
        default_factory=list,
        description="Email domains allowed to sign in (exact, lower case; a subdomain is listed apart). "
        "Required when default_role lets the first sign-in create an account.",
    )
    default_role: Role | None = Field(
        default=None,
        description="Role of the local account created at a person's first sign-in; "
        "unset: only people who already have a local account may sign in.",
    )
    role_claim: str | None = Field(
        default=None,
        description="An ID token claim (a string or a list of strings, e.g. `groups`) whose values "
        "`roles` maps to console roles; the highest mapped role wins.",
    )
    roles: dict[str, Role] = Field(
        default_factory=dict, description="Values of role_claim → role, e.g. `{hirebridge-admins: admin}`."
    )
    require_email_verified: bool = Field(
        default=True,
        description="Refuse an email the provider does not mark `email_verified: true`. Microsoft Entra ID "
        "sends no such claim: set false for a single-tenant provider whose directory owns the domains "
        "listed in allowed_domains (then required).",
    )
    leeway_seconds: int = Field(
        default=60, ge=0, le=300, description="Clock skew tolerated on the ID token's exp and iat."
    )

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        parts = urlsplit(value)
        if not is_secure_url(value) or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(
                "the issuer must be an https URL without query or fragment "
                "(plain http is accepted for 127.0.0.1 and localhost only)"
            )
        return value

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[str]) -> list[str]:
        missing = [s for s in ("openid", "email") if s not in value]
        if missing:
            raise ValueError(f"scopes must include {' and '.join(missing)}")
        return value

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        bad = [d for d in value if not d or "@" in d or d != d.strip().lower().lstrip(".")]
        if bad:
            raise ValueError(f"allowed_domains are lower-case domains such as example.com, not {bad}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> OidcSettings:
        if self.default_role is not None and not self.allowed_domains:
            raise ValueError(
                "default_role creates an account for whoever the provider vouches for: "
                "list the company's email domains in allowed_domains"
            )
        if not self.require_email_verified and not self.allowed_domains:
            raise ValueError(
                "without require_email_verified, list the domains the provider's directory owns "
                "in allowed_domains"
            )
        if bool(self.role_claim) != bool(self.roles):
            raise ValueError("role_claim and roles go together: the claim to read and what its values mean")
        return self
