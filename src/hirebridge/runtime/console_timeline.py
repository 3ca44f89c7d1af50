"""A subject's timeline from what the store holds (pure), failure causes, and the audit export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from hirebridge.domain.subjects import Subject
from hirebridge.runtime.console_models import AuditRow, Link, RecipeVerdict, Timeline, TimelineEntry
from hirebridge.store.failures import redact

# Timeline rows whose details hold only ids, counts and recipe names: shown to viewers too. Others
# (an erasure's reason, typed by an operator) only to operators.
PLAIN_ACTIONS = frozenset({"reconciled", "covered", "not-found", "replayed", "moved", "orphans-closed"})
_VARIABLE = re.compile(r"'[^']*'|\"[^\"]*\"|\b[A-Z][A-Z0-9_]*-\d+\b|\b[0-9a-f]{8}-[0-9a-f-]{27}\b|\d+")
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cause_text(reason: str) -> str:
    """A reason with its variable parts (quoted values, issue keys, ids, numbers) elided."""
    return _VARIABLE.sub("…", reason)


def cause_of(kind: str, target: str, reason: str) -> str:
    """Effects parked for the same cause: same kind, same target, same reason but for its values."""
    return hashlib.sha256(f"{kind}|{target}|{cause_text(reason)}".encode()).hexdigest()[:12]


def verdicts(
    recipes: Sequence[str], unmet: Mapping[str, Sequence[str]] | None, at: Any = None
) -> list[RecipeVerdict]:
    """Each recipe's verdict from a run's `unmet` (recipe → the parts of `when` that did not hold)."""
    found = unmet or {}
    return [
        RecipeVerdict(name, not found[name], tuple(found[name]), at)
        if name in found
        else RecipeVerdict(name, None)
        for name in recipes
    ]


def build(
    subject: Subject,
    row: Mapping[str, Any] | None,
    found: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    display_name: str | None,
    recipes: Sequence[str],
    stages: Mapping[str, str],
    browse: Mapping[str, str],
    lever_url: str | None,
    viewer: bool,
) -> Timeline:
    def stage(stage_id: Any) -> str | None:
        return stages.get(str(stage_id), str(stage_id)) if stage_id else None

    entries: list[TimelineEntry] = []
    for hook in found.get("inbox", ()):
        detail = {"to_stage": stage(hook["to_stage"]), "from_stage": stage(hook["from_stage"])}
        entries.append(TimelineEntry(hook["received_at"], "webhook", hook["event"], _present(detail)))
    for event in found.get("jira_events", ()):
        detail = {"issue": event["issue_key"], "jira": event["connection"]}
        entries.append(TimelineEntry(event["received_at"], "jira_event", event["event"], _present(detail)))
    last_read = None
    for audit in found.get("audit", ()):
        detail = dict(audit["detail"] or {})
        if audit["action"] == "reconciled":
            if last_read is None or audit["at"] > last_read["at"]:
                last_read = audit
            unmet = detail.pop("unmet", None) or {}
            detail["stage"] = stage(detail.get("stage"))
            detail["recipes_not_applied"] = {k: v for k, v in unmet.items() if v}
            entries.append(
                TimelineEntry(audit["at"], "reconcile", "reconciled", _present(detail), actor=audit["actor"])
            )
            continue
        if viewer and audit["action"] not in PLAIN_ACTIONS:
            detail = {}
        kind = "reconcile" if audit["action"] in {"covered", "not-found"} else "action"
        entries.append(TimelineEntry(audit["at"], kind, audit["action"], detail, actor=audit["actor"]))
    for effect in found.get("effects", ()):
        entries.append(_effect(effect, browse=browse, lever_url=lever_url, viewer=viewer))
    entries.sort(key=lambda e: e.at)
    unmet = (last_read["detail"] or {}).get("unmet") if last_read is not None else None
    return Timeline(
        subject=subject,
        known=row is not None or any(found.values()),
        display_name=display_name,
        stage=stage(row["seen_stage"]) if row else None,
        erased=bool(row and row["erasure"] and row["erasure"].get("erased_at")),
        entries=entries,
        verdicts=verdicts(recipes, unmet, last_read["at"] if last_read else None),
    )


def _effect(
    effect: Mapping[str, Any], *, browse: Mapping[str, str], lever_url: str | None, viewer: bool
) -> TimelineEntry:
    links: list[Link] = []
    key, target, kind = effect["external_key"], str(effect["target"]), str(effect["kind"])
    jira = target.removeprefix("jira:") if target.startswith("jira:") else None
    if effect["external_url"]:
        links.append(Link(key or "open", str(effect["external_url"])))
    elif key and jira in browse:
        links.append(Link(str(key), f"{browse[jira].rstrip('/')}/browse/{key}"))
    if kind == "lever_note" and lever_url:
        links.append(Link("Lever note", lever_url))
    detail: dict[str, Any] = {"kind": kind, "target": target, "attempts": effect["attempts"]}
    if kind == "justworks_packet":
        detail["packet"] = effect["external_id"]
    elif key:
        detail["issue"] = key
    if effect["status"] and kind not in {"lever_note", "justworks_packet"}:
        detail["status"] = effect["status"]  # a Jira status; a note's holds a digest, a packet's is its own
    if effect["state"] == "failed":
        detail["error"] = redact(effect["last_error"])
    if viewer and kind == "justworks_packet":
        detail.pop("error", None)  # a packet's reasons may quote what goes to Justworks, not to Jira
    at = effect["intent_at"] or effect["updated_at"]
    return TimelineEntry(
        at, "effect", f"{effect['recipe']}/{effect['key']}", detail, effect["state"], tuple(links)
    )


def _present(detail: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in detail.items() if v not in (None, "", {}, [])}


def audit_dict(row: AuditRow) -> dict[str, Any]:
    subject = row.subject
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "action": row.action,
        "connection": subject.connection if subject else None,
        "subject_kind": subject.kind if subject else None,
        "subject_id": subject.id if subject else None,
        "detail": row.detail,
    }


def audit_csv(rows: Sequence[AuditRow]) -> str:
    """One line per row; a cell a spreadsheet would read as a formula is quoted with `'`."""
    out = io.StringIO()
    fields = ["id", "at", "actor", "action", "connection", "subject_kind", "subject_id", "detail"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        values = audit_dict(row) | {"detail": json.dumps(row.detail, sort_keys=True, default=str)}
        writer.writerow({k: _cell(v) for k, v in values.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_CSV_FORMULA):
        return "'" + value
    return "" if value is None else value
