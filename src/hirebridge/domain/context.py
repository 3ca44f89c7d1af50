"""The context recipe templates render in: the privacy-filtered view plus hirebridge's own data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from hirebridge.domain.effects import EffectRecord
from hirebridge.domain.view import project_view


def linked_issues(effects: Mapping[tuple[str, str], EffectRecord]) -> list[dict[str, str]]:
    """Every Jira issue or request hirebridge made for the subject, across recipes (U4 lists them)."""
    return [
        {
            "recipe": recipe,
            "key": record.external_key or "",
            "url": record.external_url or "",
            "status": record.status or "",
        }
        for (recipe, _), record in sorted(effects.items())
        if record.state == "done" and record.kind in ("jira_issue", "jsm_request") and record.external_key
    ]


def recipe_context(
    view: Mapping[str, Any],
    allow: Iterable[str],
    *,
    lookups: Mapping[str, Mapping[str, str]],
    effects: Mapping[tuple[str, str], EffectRecord],
    now: datetime,
) -> dict[str, Any]:
    return {
        **project_view(view, allow),
        "lookups": {name: dict(table) for name, table in lookups.items()},
        "linked_issues": linked_issues(effects),
        "now": now.isoformat(timespec="seconds"),
        "today": now.date(),
    }
