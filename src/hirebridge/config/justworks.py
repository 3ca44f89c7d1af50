"""Config of the Justworks side (U9): the connection, SMTP for admin emails, and the packet action."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JustworksConnection(_Strict):
    base_url: str = "https://public-api.justworks.com"
    client_id: str
    client_secret: SecretStr


class SmtpSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = 25
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    sender: str = "hirebridge@localhost"


class JustworksPacketAction(_Strict):
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
    invite: bool = Field(default=True, description="Send the Justworks invitation when an admin sends it.")
    outcome_note: bool = Field(default=True, description="Note the admin's send or decline on Lever.")
