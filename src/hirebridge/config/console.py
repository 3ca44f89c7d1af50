"""The web console's settings: how long a session lasts and how repeated failed sign-ins slow down."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hirebridge.config.oidc import OidcSettings


class ConsoleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(default=True, description="Serve the console at /console on the service's port.")
    idle_minutes: float = Field(
        default=30, gt=0, le=24 * 60, description="A session unused this long is signed out."
    )
    session_hours: float = Field(
        default=12, gt=0, le=24 * 30, description="A session is signed out this long after sign-in."
    )
    lockout_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins to one account before each further try must wait."
    )
    lockout_address_failures: int = Field(
        default=20, ge=1, description="Failed sign-ins from one client address before it must wait."
    )
    lockout_seconds: float = Field(
        default=30, gt=0, description="The first wait; it doubles with each further failure."
    )
    lockout_max_seconds: float = Field(default=900, gt=0, description="The longest wait.")
    failure_window_minutes: float = Field(
        default=60, gt=0, description="Failed sign-ins older than this are forgotten."
    )
    password_memory_kib: int = Field(
        default=65536, ge=19456, le=4 * 1024 * 1024, description="argon2id memory per password hash (KiB)."
    )
    password_time_cost: int = Field(default=3, ge=2, le=20, description="argon2id passes.")
    password_parallelism: int = Field(default=4, ge=1, le=16, description="argon2id lanes.")
    oidc: OidcSettings | None = Field(
        default=None, description="Sign-in through the company's identity provider (OpenID Connect)."
    )
