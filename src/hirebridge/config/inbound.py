"""Config of what flows back from Jira to Lever (U8 feedback, U7 resolution notes)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JiraFeedbackAction(_Strict):
    """Feedback written in a linked Jira issue becomes a Lever note, once per comment."""

    source: str = Field(description="The jira_issue action whose issues carry the feedback.")
    comment_prefix: str = Field(default="Feedback:", description="Comments starting so are feedback.")
    note: str = "Interview feedback from {{ feedback.author }} ({{ feedback.issue }}):\n{{ feedback.text }}"


class JiraResolutionNoteAction(_Strict):
    """A linked Jira (or JSM) issue reaching a done status is noted on the Lever timeline, once."""

    source: str = Field(description="The jira_issue or jsm_request action to watch.")
    note: str = "{{ resolved.key }} was resolved in Jira ({{ resolved.status }})."
