"""Config of the Justworks side (U9): the connection, SMTP for admin emails, and the packet action."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


JUSTWORKS_SCOPES = ("company.basic:read", "member.basic:read", "member.employment:read")


class JustworksConnection(_Strict):
    """A Justworks company, connected by OAuth (authorization code): Justworks grants OAuth apps on
    request (partner-api@justworks.com) and its Partner API reads members and the company only."""

    base_url: str = Field(default="https://public-api.justworks.com", description="The Partner API.")
    auth_url: str = Field(default="https://secure.justworks.com", description="Where /oauth/authorize lives.")
    client_id: str
    client_secret: SecretStr
    scopes: list[str] = Field(
        default_factory=lambda: list(JUSTWORKS_SCOPES), description="Requested at connect; read only."
    )
    admins: list[str] = Field(
        min_length=1,
        description='Emails of the Justworks admins who hold "Manage employees": they are emailed each '
        "hire. The Partner API cannot list admins or permissions, so they are named here.",
    )
    app_url: str = Field(
        default="https://secure.justworks.com",
        description="Justworks' web app, where an admin adds the person; the review page links to it.",
    )
    poll_interval_seconds: float = Field(
        default=300, gt=0, description="How often members are read while a hire is awaited."
    )
    invite_overdue_hours: float = Field(
        default=72,
        gt=0,
        description="A hire not seen in Justworks this long after the admins were told "
        "is reported as an overdue invite (status, metrics).",
    )
    requests_per_second: float = Field(
        default=2, gt=0, description="Justworks publishes no rate limit; 429s are honoured besides."
    )

    service: ClassVar[str] = "Justworks"
    credentials_hint: ClassVar[str] = "the Justworks connection's client_id and client_secret"
    admin_role: ClassVar[str] = "an admin"
    refusal_hint: ClassVar[str] = (
        "Justworks refresh tokens expire after a long idle period, or when an admin revokes the app."
    )

    @property
    def authorize_endpoint(self) -> str:
        return f"{self.auth_url.rstrip('/')}/oauth/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.base_url.rstrip('/')}/oauth/token"

    def authorize_params(self) -> dict[str, str]:
        return {"scope": " ".join(self.scopes)}


class SmtpSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = 25
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    sender: str = "hirebridge@localhost"


class _PacketFields(_Strict):
    """Templates of the packet's fields over the candidate view (Lever's offer, posting, candidate)."""

    connection: str = "main"
    member_type: str = Field(
        default="{{ posting.commitment }}",
        description="Lever commitment (Full-time, Part-time, Intern, Contractor) or Justworks member type.",
    )
    compensation_amount: str = Field(default="{{ offer.salary_amount }}", description="In dollars.")
    earnings_type: str = Field(
        default="{{ offer.salary_interval }}",
        description="Lever's interval; per-year-salary → year, per-hour-wage → hour, anything else is held.",
    )
    currency: str = "{{ offer.salary_currency }}"
    exemption_status: str = "exempt"
    first_name: str = "{{ candidate.first_name }}"
    last_name: str = "{{ candidate.last_name }}"
    title: str = "{{ offer.job_title or posting.title }}"
    manager_email: str = "{{ hiring_manager.email }}"
    department: str = "{{ posting.department }}"
    office: str = "{{ posting.location }}"
    start_date: str = "{{ offer.start_date }}"
    home_email: str = "{{ candidate.emails[0] }}"


class JustworksOfferCheckAction(_PacketFields):
    """Before the hire: the packet's fields checked against what Justworks accepts, and the recruiter
    told in one Lever note, changed when the findings change."""

    secret: bool = Field(
        default=True,
        description="Post the note as secret (seen by users with Sensitive Information Privileges), as "
        "Lever hides offers: the findings can quote the offer's values.",
    )


class JustworksPacketAction(_PacketFields):
    """On hire: the packet, reviewed by the admins who manage employees, then awaited in Justworks."""

    outcome_note: bool = Field(
        default=True, description="Note on Lever when the person joins Justworks, or an admin declines."
    )
