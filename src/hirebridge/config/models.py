"""The configuration file's shape: connections to the external systems and the recipes.

Every mapping is configuration: which Lever change triggers what, in which Jira project, with which
fields (templates over the candidate view), and which candidate fields a recipe may read at all.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceConfig(Strict):
    public_url: str = Field(
        default="http://127.0.0.1:8100",
        description="The URL at which Lever and Jira reach this service (webhooks are registered there).",
    )
    workers: int = Field(default=8, ge=1, le=256, description="Reconciles run at once in one process.")


class LeverConnection(Strict):
    base_url: str = Field(default="https://api.lever.co", description="Without the /v1 suffix.")
    api_key: SecretStr
    requests_per_second: float = Field(default=10, gt=0)
    burst: int = Field(default=20, ge=1)
    perform_as: str | None = Field(default=None, description="Lever user (email) notes are written as.")
    register_webhooks: bool = True


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


class JiraIssueAction(Strict):
    connection: str = "main"
    project: str
    type: str
    summary: str
    description: str | None = Field(default=None, description="Markdown template, sent as ADF.")
    assignee: str | None = Field(default=None, description="Template giving an email address.")
    labels: list[str] = Field(default_factory=list)
    parent: Identifier | None = Field(default=None, description="The id of an earlier jira_issue action.")
    priority: str | None = None
    due_date: str | None = Field(default=None, description="Template giving an ISO date.")


class LeverNoteAction(Strict):
    text: str
    secret: bool = False


class Action(Strict):
    id: Identifier
    jira_issue: JiraIssueAction | None = None
    lever_note: LeverNoteAction | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Action:
        given = [name for name in ("jira_issue", "lever_note") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"an action has exactly one of jira_issue, lever_note (found {given or 'none'})")
        return self


class Trigger(Strict):
    stage_reached: str = Field(
        description="Active while the opportunity is in this stage or a later one of the pipeline, and "
        "not archived for a reason other than a hire."
    )


class Reversal(Strict):
    cancel_status: str = "Cancelled"
    reopen_status: str = "To Do"
    comment: bool = True


class Recipe(Strict):
    name: Identifier
    lever: str = "main"
    when: Trigger
    allow: list[str] = Field(
        default_factory=list,
        description="Candidate-view fields the recipe may read. A section grants its ordinary fields; "
        "sensitive ones (contact data, compensation) must be named one by one.",
    )
    actions: list[Action] = Field(min_length=1)
    on_reversal: Reversal = Reversal()


class Config(Strict):
    version: Literal[1] = 1
    service: ServiceConfig = ServiceConfig()
    lever: dict[Identifier, LeverConnection]
    jira: dict[Identifier, JiraConnection] = Field(default_factory=dict)
    recipes: list[Recipe] = Field(default_factory=list)
