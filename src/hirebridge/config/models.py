"""The configuration file's shape: connections to the external systems and the recipes.

Every mapping is configuration: which Lever state calls for what (a recipe's `when`), in which Jira
project or desk, with which fields (templates over the candidate view), and which candidate fields a
recipe may read at all (`allow`).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from hirebridge.config.changes import Moved, Rollout
from hirebridge.config.console import ConsoleSettings
from hirebridge.config.inbound import JiraFeedbackAction, JiraResolutionNoteAction
from hirebridge.config.justworks import (
    JustworksConnection,
    JustworksOfferCheckAction,
    JustworksPacketAction,
    SmtpSettings,
)
from hirebridge.config.lifecycle import ErasurePolicy, Retention

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
Template = Annotated[str, Field(description="A sandboxed Jinja2 template over the candidate view.")]
OwnedField = Annotated[
    str, Field(pattern=r"^(summary|description|assignee|priority|due_date|fields|fields\..+)$")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceConfig(Strict):
    public_url: str = Field(
        default="http://127.0.0.1:8100",
        description="The URL at which Lever and Jira reach this service (webhooks are registered there).",
    )
    workers: int = Field(default=8, ge=1, le=256, description="Reconciles run at once in one process.")


# What hirebridge reads and writes in Lever (Lever's API documentation, "Scopes"); a write scope implies
# its read scope.
LEVER_SCOPES = (
    "offline_access",
    "opportunities:read:admin",
    "applications:read:admin",
    "stages:read:admin",
    "archive_reasons:read:admin",
    "users:read:admin",
    "postings:read:admin",
    "offers:read:admin",
    "interviews:read:admin",
    "requisitions:read:admin",
    "notes:write:admin",
    "webhooks:write:admin",
)


class LeverOAuth(Strict):
    """Lever's OAuth 2.0 authorization-code flow (partner apps; Lever's API documentation, "OAuth")."""

    client_id: str
    client_secret: SecretStr
    auth_url: str = Field(
        default="https://auth.lever.co",
        description="Where /authorize and /oauth/token live (sandbox: https://sandbox-lever.auth0.com).",
    )
    audience: str = Field(default="https://api.lever.co/v1/", description="The API the tokens are for.")
    scopes: list[str] = Field(
        default_factory=lambda: list(LEVER_SCOPES),
        description="Requested at connect; offline_access is needed for refresh tokens.",
    )

    service: ClassVar[str] = "Lever"
    credentials_hint: ClassVar[str] = "oauth.client_id and oauth.client_secret"
    admin_role: ClassVar[str] = "a Super Admin"
    refusal_hint: ClassVar[str] = (
        "Refresh tokens die after 90 days unused, after a year, or when a Super Admin revokes the app."
    )

    @property
    def authorize_endpoint(self) -> str:
        return f"{self.auth_url.rstrip('/')}/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.auth_url.rstrip('/')}/oauth/token"

    def authorize_params(self) -> dict[str, str]:
        return {"audience": self.audience, "scope": " ".join(self.scopes)}


class LeverConnection(Strict):
    base_url: str = Field(default="https://api.lever.co", description="Without the /v1 suffix.")
    api_key: SecretStr | None = Field(default=None, description="API key; or connect with OAuth instead.")
    oauth: LeverOAuth | None = Field(
        default=None, description="OAuth client; connect with `hirebridge connections connect NAME`."
    )
    requests_per_second: float = Field(default=10, gt=0)
    burst: int = Field(default=20, ge=1)
    perform_as: str | None = Field(default=None, description="Lever user (email) notes are written as.")
    register_webhooks: bool = True
    offer_stage: str | None = Field(
        default=None,
        description="The stage (name or id) where candidates wait for their offer to be signed; "
        "default: Lever's own Offer stage (id `offer`), whatever the account calls it.",
    )
    sweep_interval_seconds: float = Field(
        default=60,
        gt=0,
        description="How often opportunities updated since the last sweep are listed and reconciled; "
        "a lost webhook is repaired within this time.",
    )
    sweep_overlap_seconds: float = Field(
        default=120,
        ge=0,
        description="Each sweep lists what changed since the previous one started, less this much "
        "(Lever's clock and this machine's may differ, and Lever's lists may lag its writes).",
    )
    sweep_lookback_seconds: float = Field(
        default=86400, ge=0, description="How far back the very first sweep looks with first_sweep: lookback."
    )
    first_sweep: Literal["backfill", "lookback"] = Field(
        default="backfill",
        description="On a new database: reconcile every opportunity (backfill, at background priority: "
        "it spends only what live work leaves), or only those updated within sweep_lookback_seconds.",
    )
    offer_poll_share: float = Field(
        default=0.04,
        ge=0,
        le=1,
        description="Share of the Lever rate the offers poll spends reading the offers of candidates "
        "waiting for a signed one (Lever sends no webhook for offers); at least 5 are read a poll.",
    )
    poll_interval_seconds: float = Field(
        default=15,
        gt=0,
        description="How often what Lever sends no webhooks for (requisitions, offers) is polled.",
    )
    webhook_check_interval_seconds: float = Field(
        default=300,
        gt=0,
        description="How often the webhooks are listed in Lever; one deleted there is created again.",
    )


class JiraConnection(Strict):
    base_url: str
    email: str
    api_token: SecretStr
    requests_per_second: float = Field(default=20, gt=0)
    search_consistency_seconds: float = Field(
        default=30,
        ge=0,
        description="How long Jira search may lag behind a write; a create whose outcome is unknown is "
        "only sent again once a search this much later finds nothing.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret of Jira's admin webhook (e.g. ${JIRA_WEBHOOK_SECRET}); default: generated "
        "at registration and kept in the store.",
    )
    users: dict[str, str] = Field(
        default_factory=dict,
        description="Email → Jira accountId, for people whose Jira profile hides their email (Jira "
        "then cannot find them by it); `hirebridge check` names those it could not find.",
    )
    register_webhook: bool = Field(
        default=True,
        description="Register the admin webhook at start (needs Jira admin rights); else create it by "
        "hand: URL <public_url>/webhooks/jira/<name>, comment and issue-updated events, the secret above.",
    )


class JiraIssueAction(Strict):
    connection: str = "main"
    project: Template = Field(description="Project key, or a template (route by department, …).")
    type: str
    summary: Template
    description: Template | None = Field(default=None, description="Markdown template, sent as ADF.")
    assignee: Template | None = Field(
        default=None, description="Template giving an email address or a Jira accountId."
    )
    labels: list[Template] = Field(default_factory=list)
    parent: Identifier | None = Field(default=None, description="The id of an earlier jira_issue action.")
    priority: Template | None = None
    due_date: Template | None = Field(default=None, description="Template giving an ISO date.")
    fields: dict[str, Template] = Field(
        default_factory=dict, description="More fields by their Jira name (custom fields too) → template."
    )
    status: Template | None = Field(
        default=None, description="Keep the issue in this status (e.g. in step with a requisition)."
    )
    remote_link: bool = Field(default=True, description="Link the issue to the Lever profile.")
    for_each: str | None = Field(
        default=None,
        description="A list in the view (e.g. `interviewers`): one issue per item, `item` in templates; "
        "an item that disappears has its issue closed.",
    )
    close_status: Template | None = Field(
        default=None, description="Status to close with when the recipe no longer applies (else on_reversal)."
    )
    owned: list[OwnedField] | None = Field(
        default=None,
        description="Fields hirebridge keeps in step after creating the issue (`fields` for every "
        "custom field, or `fields.NAME`); the others are set once and then left to people. "
        "Default: every field the action sets.",
    )


class JsmRequestAction(Strict):
    connection: str = "main"
    service_desk: str = Field(description="Service desk name or project key.")
    request_type: str
    summary: Template
    description: Template | None = None
    fields: dict[str, Template] = Field(default_factory=dict, description="Request-type fields by name.")
    close_status: Template | None = None


class LeverNoteAction(Strict):
    text: Template
    secret: bool = False
    perform_as: str | None = Field(default=None, description="Lever user email; default: the connection's.")


class JiraCommentAction(Strict):
    on: Identifier = Field(description="The jira_issue action whose issue gets the comment.")
    text: Template
    at: Template | None = Field(
        default=None, description="ISO date/time at which to comment (a reminder); default: right away."
    )


class Action(Strict):
    id: Identifier
    jira_issue: JiraIssueAction | None = None
    jsm_request: JsmRequestAction | None = None
    lever_note: LeverNoteAction | None = None
    jira_comment: JiraCommentAction | None = None
    justworks_packet: JustworksPacketAction | None = None
    justworks_offer_check: JustworksOfferCheckAction | None = None
    jira_feedback: JiraFeedbackAction | None = None
    jira_resolution_note: JiraResolutionNoteAction | None = None

    @property
    def kind(self) -> str:
        return next(name for name in ACTION_KINDS if getattr(self, name) is not None)

    @property
    def body(self) -> Any:
        return getattr(self, self.kind)

    @model_validator(mode="after")
    def _exactly_one(self) -> Action:
        given = [name for name in ACTION_KINDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                f"an action has exactly one of {', '.join(ACTION_KINDS)} (found {given or 'none'})"
            )
        return self


ACTION_KINDS = (
    "jira_issue",
    "jsm_request",
    "lever_note",
    "jira_comment",
    "justworks_packet",
    "justworks_offer_check",
    "jira_feedback",
    "jira_resolution_note",
)


class Condition(Strict):
    """When a recipe applies: every predicate given must hold (level, not edge: it is re-checked on
    every change, and effects of a recipe that stops applying are closed)."""

    stage_reached: str | None = Field(default=None, description="At this stage or a later one.")
    in_stage: list[str] | None = Field(default=None, description="In one of these stages.")
    archived: Literal["no", "any", "hired", "not-hired"] | None = Field(
        default=None, description="Archive state; default: not archived, or archived as hired."
    )
    archive_reasons: list[str] | None = None
    offer_accepted: bool | None = Field(
        default=None, description="A signed offer exists (found by the sweep)."
    )
    departments: list[str] | None = None
    teams: list[str] | None = None
    locations: list[str] | None = None
    commitments: list[str] | None = None
    postings: list[str] | None = None
    origins: list[str] | None = None
    tags: list[str] | None = Field(default=None, description="Any of these tags.")
    requisition_status: list[Literal["open", "onHold", "closed", "draft", "filled"]] | None = None
    match: Template | None = Field(default=None, description="A template that must render true.")


class Reversal(Strict):
    cancel_status: Template = "Cancelled"
    reopen_status: Template = "To Do"
    comment: bool = True


class Recipe(Strict):
    name: Identifier
    lever: str = "main"
    subject: Literal["opportunity", "requisition"] = "opportunity"
    when: Condition
    allow: list[str] = Field(
        default_factory=list,
        description="Candidate-view fields the recipe may read. A section grants its ordinary fields; "
        "sensitive ones (contact data, compensation) must be named one by one.",
    )
    actions: list[Action] = Field(min_length=1)
    on_reversal: Reversal = Reversal()
    on_erasure: ErasurePolicy = ErasurePolicy()


class Config(Strict):
    version: Literal[1] = 1
    service: ServiceConfig = ServiceConfig()
    lever: dict[Identifier, LeverConnection]
    jira: dict[Identifier, JiraConnection] = Field(default_factory=dict)
    justworks: dict[Identifier, JustworksConnection] = Field(default_factory=dict)
    smtp: SmtpSettings | None = None
    lookups: dict[Identifier, dict[str, str]] = Field(
        default_factory=dict,
        description="Tables for templates: `lookups.department_project[posting.department]`.",
    )
    recipes: list[Recipe] = Field(default_factory=list)
    retention: Retention = Retention()
    rollout: Rollout = Rollout()
    moved: list[Moved] = Field(
        default_factory=list, description="Renamed recipes and actions: `{from: recipe/old, to: recipe/new}`."
    )
    console: ConsoleSettings = ConsoleSettings()
