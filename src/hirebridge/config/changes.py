"""Config of how a change to the recipes reaches subjects already reconciled: the rollout, renames
(`moved`) and what happens to effects whose recipe or action was removed (`orphans`)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ADDRESS = re.compile(r"^[a-z][a-z0-9_-]*(/[a-z][a-z0-9_-]*)?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rollout(_Strict):
    """`rollout: manual` is short for `rollout: {mode: manual}`."""

    mode: Literal["auto", "manual"] = Field(
        default="auto",
        description="auto: subjects last reconciled under other recipes are reconciled again by the "
        "service, at low priority; manual: only after `hirebridge apply`.",
    )
    concurrency: int = Field(
        default=4, ge=1, le=256, description="Rollout reconciles queued at once (live work goes first)."
    )
    orphans: Literal["keep", "close", "review"] = Field(
        default="review",
        description="Effects whose recipe or action was removed: keep them as they are, close them "
        "with an audit comment, or list them in `hirebridge status` for a person (review).",
    )
    close_status: str = Field(default="Cancelled", description="The status `orphans: close` moves issues to.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"mode": value} if isinstance(value, str) else value


class Moved(_Strict):
    """A rename, like Terraform's `moved` block: the effects made by `from` now belong to `to`.

    An address is `recipe/action` (an action renamed, or moved to another recipe) or `recipe` (a whole
    recipe renamed). Applied to each subject's ledger before its next reconcile, so nothing is made
    twice; the existing Jira issues keep their markers."""

    from_: str = Field(alias="from", pattern=ADDRESS.pattern)
    to: str = Field(pattern=ADDRESS.pattern)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _same_shape(self) -> Moved:
        if ("/" in self.from_) != ("/" in self.to):
            raise ValueError("`from` and `to` are both recipe/action or both recipe")
        if self.from_ == self.to:
            raise ValueError("`from` and `to` are the same")
        return self

    def parts(self) -> tuple[str, str | None, str, str | None]:
        """(from recipe, from action, to recipe, to action); actions are None for a recipe rename."""
        old_recipe, _, old_action = self.from_.partition("/")
        new_recipe, _, new_action = self.to.partition("/")
        return old_recipe, old_action or None, new_recipe, new_action or None
