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


def justworks_state(effects: Mapping[tuple[str, str], EffectRecord]) -> dict[str, Any]:
    """Where the subject's Justworks new-hire packet is (U9), for recipes that follow it: `status` is
    held, awaiting_review, reviewed, joined (the person is a Justworks member), declined, withdrawn
    or "" (no packet); `joined` says whether the person appeared in Justworks."""
    statuses = [
        record.status or ""
        for _, record in sorted(effects.items())
        if record.kind == "justworks_packet" and record.state == "done"
    ]
    status = next((s for s in statuses if s == "joined"), statuses[0] if statuses else "")
    return {"status": status, "joined": status == "joined"}


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
        "justworks": justworks_state(effects),
        "now": now.isoformat(timespec="seconds"),
        "today": now.date(),
    }
