"""Recipes compiled once from the config, and evaluated against a subject into desired effects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from hirebridge.config.models import Action, Recipe
from hirebridge.domain.adf import markdown_to_adf
from hirebridge.domain.audit import transition_comment
from hirebridge.domain.conditions import (
    opportunity_applies,
    opportunity_checks,
    requisition_applies,
    requisition_checks,
    truthy,
)
from hirebridge.domain.effects import (
    Desired,
    DesiredComment,
    DesiredIssue,
    DesiredNote,
    DesiredOfferCheck,
    DesiredPacket,
    DesiredRequest,
    EffectRecord,
    InboundItem,
    IssueContent,
    Ref,
    RequestContent,
)
from hirebridge.domain.packet import outcome_note
from hirebridge.domain.plan import PACKET_FINAL
from hirebridge.domain.requisition import RequisitionSnapshot
from hirebridge.domain.snapshot import OpportunitySnapshot
from hirebridge.domain.templates import Template, TemplateEngine, TemplateError

# Fields of an action that are names or ids, not templates.
NOT_TEMPLATES = frozenset(
    {
        "connection",
        "type",
        "parent",
        "for_each",
        "service_desk",
        "request_type",
        "on",
        "source",
        "comment_prefix",
        "perform_as",
        "remote_link",
        "secret",
        "owned",
    }
)
INBOUND_KINDS = frozenset({"jira_feedback", "jira_resolution_note"})


def template_sources(action: Action) -> dict[str, str]:
    """Every template of an action by a dotted field path (`summary`, `labels.0`, `fields.Team`)."""
    body: BaseModel = action.body
    sources: dict[str, str] = {}
    for name, value in body:
        if name in NOT_TEMPLATES or value is None:
            continue
        if isinstance(value, str):
            sources[name] = value
        elif isinstance(value, list):
            sources |= {f"{name}.{i}": v for i, v in enumerate(value)}
        elif isinstance(value, dict):
            sources |= {f"{name}.{k}": v for k, v in value.items()}
    return sources


@dataclass(frozen=True)
class CompiledAction:
    action: Action
    templates: Mapping[str, Template]
    depends_on: frozenset[str]

    @property
    def id(self) -> str:
        return self.action.id

    def render(self, path: str, context: Mapping[str, Any]) -> str | None:
        template = self.templates.get(path)
        return template.render(context).strip() if template is not None else None

    def render_group(self, prefix: str, context: Mapping[str, Any]) -> dict[str, str]:
        return {
            path.removeprefix(prefix + "."): template.render(context).strip()
            for path, template in self.templates.items()
            if path.startswith(prefix + ".")
        }


@dataclass(frozen=True)
class CompiledRecipe:
    recipe: Recipe
    actions: tuple[CompiledAction, ...]
    match: Template | None
    cancel_status: Template
    reopen_status: Template

    @property
    def name(self) -> str:
        return self.recipe.name


def compile_recipe(recipe: Recipe, engine: TemplateEngine) -> CompiledRecipe:
    compiled = []
    for action in recipe.actions:
        markdown = action.kind == "jira_issue"
        templates = {
            path: engine.compile(
                source, name=f"{recipe.name}.{action.id}.{path}", markdown=markdown and path == "description"
            )
            for path, source in template_sources(action).items()
        }
        depends = {
            path.split(".")[1]
            for t in templates.values()
            for path in t.fields_used()
            if path.startswith("refs.")
        }
        body = action.body
        depends |= {name for name in (getattr(body, "parent", None), getattr(body, "on", None)) if name}
        compiled.append(CompiledAction(action=action, templates=templates, depends_on=frozenset(depends)))
    return CompiledRecipe(
        recipe=recipe,
        actions=tuple(compiled),
        match=engine.compile(recipe.when.match, name=f"{recipe.name}.when.match")
        if recipe.when.match
        else None,
        cancel_status=engine.compile(recipe.on_reversal.cancel_status, name=f"{recipe.name}.cancel_status"),
        reopen_status=engine.compile(recipe.on_reversal.reopen_status, name=f"{recipe.name}.reopen_status"),
    )


@dataclass
class Evaluation:
    applies: bool
    desired: list[Desired] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # effect key → why it could not be rendered
    next_due: datetime | None = None


def recipe_applies(
    compiled: CompiledRecipe,
    subject: OpportunitySnapshot | RequisitionSnapshot,
    stage_index: Mapping[str, int],
    context: Mapping[str, Any],
    *,
    ignore_match: bool = False,
) -> bool:
    def match() -> bool:
        return ignore_match or compiled.match is None or truthy(compiled.match.render(context))

    condition = compiled.recipe.when
    if isinstance(subject, RequisitionSnapshot):
        return compiled.recipe.subject == "requisition" and requisition_applies(condition, subject, match)
    return compiled.recipe.subject == "opportunity" and opportunity_applies(
        condition, subject, stage_index, match
    )


def unmet_conditions(
    compiled: CompiledRecipe,
    subject: OpportunitySnapshot | RequisitionSnapshot,
    stage_index: Mapping[str, int],
    context: Mapping[str, Any],
) -> tuple[str, ...]:
    """Why a recipe does not apply: every part of its `when` that does not hold (empty: it applies)."""

    def match() -> bool:
        return compiled.match is None or truthy(compiled.match.render(context))

    condition = compiled.recipe.when
    if isinstance(subject, RequisitionSnapshot):
        if compiled.recipe.subject != "requisition":
            return ("subject: opportunity",)
        checks = requisition_checks(condition, subject, match)
    else:
        if compiled.recipe.subject != "opportunity":
            return ("subject: requisition",)
        checks = opportunity_checks(condition, subject, stage_index, match)
    unmet: list[str] = []
    while True:
        try:
            asked, holds = next(checks)
        except StopIteration:
            return tuple(unmet)
        except (TemplateError, ValueError, KeyError) as exc:
            return (*unmet, f"match (its template failed: {type(exc).__name__})")
        if not holds:
            unmet.append(asked)


def _items(path: str, context: Mapping[str, Any]) -> list[Any]:
    value: Any = context
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return list(value) if isinstance(value, list | tuple) else []


def _item_key(item: Any, index: int) -> str:
    if isinstance(item, Mapping):
        return str(item.get("key") or item.get("id") or index)
    return str(index)


def _keys_of(action_id: str, ledger: Mapping[str, EffectRecord]) -> list[str]:
    return [key for key in ledger if key == action_id or key.startswith(action_id + ":")]


def _render_or_empty(action: CompiledAction, path: str, context: Mapping[str, Any]) -> str:
    try:
        return action.render(path, context) or ""
    except TemplateError:
        return ""


def _parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Evaluator:
    def __init__(
        self,
        compiled: CompiledRecipe,
        subject: OpportunitySnapshot | RequisitionSnapshot,
        *,
        context: Mapping[str, Any],
        ledger: Mapping[str, EffectRecord],
        refs: Mapping[str, Ref],
        inbound: Sequence[InboundItem],
        lever_connection: str,
        now: datetime,
        profile_url: str,
    ) -> None:
        self.compiled = compiled
        self.recipe = compiled.recipe
        self.subject = subject
        self.context = context
        self.ledger = ledger
        self.refs = refs
        self.inbound = inbound
        self.lever_connection = lever_connection
        self.now = now
        self.profile_url = profile_url

    def close_status(self, action: CompiledAction) -> str:
        return (
            action.render("close_status", self.context)
            or self.compiled.cancel_status.render(self.context).strip()
        )

    def audit(self, key: str, status: str, *, closing: bool) -> str | None:
        """The audit comment for moving the effect `key` to `status`, unless the recipe turns it off."""
        if not self.recipe.on_reversal.comment:
            return None
        record = self.ledger.get(key)
        was = record.status if record is not None and record.status else None
        return transition_comment(self.subject, self.recipe, closing=closing, status=status, was=was)

    def closing(self, action: CompiledAction, keys: list[str]) -> list[Desired]:
        status = self.close_status(action)
        body = action.action.body
        if action.action.kind == "jira_issue":
            return [
                DesiredIssue(
                    self.recipe.name, k, body.connection, status, comment=self.audit(k, status, closing=True)
                )
                for k in keys
            ]
        if action.action.kind == "jsm_request":
            return [
                DesiredRequest(
                    self.recipe.name, k, body.connection, status, comment=self.audit(k, status, closing=True)
                )
                for k in keys
            ]
        if action.action.kind == "justworks_packet":
            return [DesiredPacket(self.recipe.name, k, body.connection, None) for k in keys]
        return []

    def kept_status(
        self, action: CompiledAction, key: str, context: Mapping[str, Any]
    ) -> tuple[str | None, str | None]:
        """The status an applying effect should be in, and the audit comment for moving it there: the
        recipe's `status` (U2 follows the requisition), else reopened if a reversal had closed it."""
        record = self.ledger.get(key)
        status = action.render("status", context) or None
        if status is None:
            closed = record is not None and record.status
            if not closed or record.status.lower() != self.close_status(action).lower():
                return None, None
            status = self.compiled.reopen_status.render(context).strip()
            return status, self.audit(key, status, closing=False)
        if record is None or not record.status or record.status.lower() == status.lower():
            return status, None  # a new issue gets its status without a comment
        return status, self.audit(key, status, closing=False)

    def issue(self, action: CompiledAction, key: str, context: Mapping[str, Any]) -> DesiredIssue:
        body = action.action.jira_issue
        assert body is not None
        description = action.render("description", context)
        content = IssueContent(
            project=action.render("project", context) or "",
            issue_type=body.type,
            summary=action.render("summary", context) or action.id,
            description=markdown_to_adf(description) if description else None,
            assignee_email=action.render("assignee", context) or None,
            labels=tuple(v for v in action.render_group("labels", context).values() if v),
            priority=action.render("priority", context) or None,
            due_date=action.render("due_date", context) or None,
            fields=tuple(
                sorted((k, v) for k, v in action.render_group("fields", context).items() if v != "")
            ),
            remote_link=(self.profile_url, "Lever profile")
            if body.remote_link and self.profile_url
            else None,
        )
        status, comment = self.kept_status(action, key, context)
        return DesiredIssue(
            self.recipe.name,
            key,
            body.connection,
            status,
            content=content,
            parent_key=body.parent,
            comment=comment,
            owned=tuple(body.owned) if body.owned is not None else None,
        )

    def active(self, action: CompiledAction) -> tuple[list[Desired], datetime | None]:
        kind, body, context = action.action.kind, action.action.body, self.context
        if kind == "jira_issue":
            if body.for_each is None:
                return [self.issue(action, action.id, context)], None
            wanted = {}
            for index, item in enumerate(_items(body.for_each, context)):
                key = f"{action.id}:{_item_key(item, index)}"
                wanted[key] = self.issue(action, key, {**context, "item": item})
            gone = [k for k in _keys_of(action.id, self.ledger) if k not in wanted and k != action.id]
            return [*wanted.values(), *self.closing(action, gone)], None
        if kind == "jsm_request":
            content = RequestContent(
                service_desk=body.service_desk,
                request_type=body.request_type,
                summary=action.render("summary", context) or action.id,
                description=action.render("description", context),
                fields=tuple(sorted(action.render_group("fields", context).items())),
            )
            status, comment = self.kept_status(action, action.id, context)
            request = DesiredRequest(
                self.recipe.name, action.id, body.connection, status, content=content, comment=comment
            )
            return [request], None
        if kind == "lever_note":
            return [
                DesiredNote(
                    self.recipe.name,
                    action.id,
                    self.lever_connection,
                    action.render("text", context) or "",
                    secret=body.secret,
                    perform_as=body.perform_as,
                )
            ], None
        if kind == "jira_comment":
            at = action.render("at", context)
            if at:
                due = _parse_time(at)
                if due > self.now:
                    return [], due
            on = self.ledger[body.on]
            return [
                DesiredComment(
                    self.recipe.name,
                    action.id,
                    on.target.removeprefix("jira:"),
                    self.refs[body.on].key,
                    action.render("text", context) or "",
                )
            ], None
        if kind == "justworks_offer_check":
            fields = {path: _render_or_empty(action, path, context) for path in action.templates}
            check = DesiredOfferCheck(self.recipe.name, action.id, body.connection, fields, body.secret)
            return [check], None
        if kind == "justworks_packet":
            # A field whose data Lever lacks (no offer yet) is left empty: the packet is then held
            # with that field named, for an admin to complete, instead of the whole action failing.
            fields = {path: _render_or_empty(action, path, context) for path in action.templates}
            fields["lever_url"] = self.profile_url  # shown to the admin beside the candidate's name
            packet: list[Desired] = [DesiredPacket(self.recipe.name, action.id, body.connection, fields)]
            return packet + self.packet_outcome(action), None
        return [], None

    def packet_outcome(self, action: CompiledAction) -> list[Desired]:
        """Once the person joined Justworks or an admin declined the packet, a Lever note says so
        (key `id.outcome`: a dot never occurs in action ids, so the note is not taken for one of the
        packet's own keys)."""
        record = self.ledger.get(action.id)
        if not action.action.body.outcome_note or record is None or record.status not in PACKET_FINAL:
            return []
        how = record.external_key if record.external_key not in (None, "", "home email") else None
        text = outcome_note(record.status, f"matched by {how}" if how else None)
        return [DesiredNote(self.recipe.name, f"{action.id}.outcome", self.lever_connection, text)]

    def inbound_notes(self, action: CompiledAction) -> list[Desired]:
        body = action.action.body
        watched = {
            self.ledger[k].external_key
            for k in _keys_of(body.source, self.ledger)
            if self.ledger[k].external_key
        }
        out: list[Desired] = []
        for item in self.inbound:
            if item.issue_key not in watched:
                continue
            if action.action.kind == "jira_feedback" and item.kind == "comment":
                text = item.text.strip()
                if not text.startswith(body.comment_prefix):
                    continue
                feedback = {
                    "author": item.author,
                    "text": text[len(body.comment_prefix) :].strip(),
                    "issue": item.issue_key,
                }
                note = action.render("note", {**self.context, "feedback": feedback}) or ""
                out.append(
                    DesiredNote(self.recipe.name, f"{action.id}:{item.id}", self.lever_connection, note)
                )
            elif action.action.kind == "jira_resolution_note" and item.kind == "resolved":
                resolved = {"key": item.issue_key, "status": item.status}
                note = action.render("note", {**self.context, "resolved": resolved}) or ""
                out.append(
                    DesiredNote(
                        self.recipe.name, f"{action.id}:{item.issue_key}", self.lever_connection, note
                    )
                )
        return out


def evaluate(
    compiled: CompiledRecipe,
    subject: OpportunitySnapshot | RequisitionSnapshot,
    *,
    stage_index: Mapping[str, int],
    context: Mapping[str, Any],
    ledger: Mapping[str, EffectRecord],
    refs: Mapping[str, Ref],
    lever_connection: str,
    now: datetime,
    inbound: Sequence[InboundItem] = (),
    profile_url: str = "",
) -> Evaluation:
    """What this recipe wants for this subject now, given what is already done (`refs`).

    An action whose dependencies (its parent, `on`, or `refs.X` in a template) are not done yet is
    left out; the executor plans again once they are. A template that fails for one action parks that
    action (`problems`) and leaves the others alone.
    """
    applies = recipe_applies(compiled, subject, stage_index, context)
    result = Evaluation(applies=applies)
    evaluator = _Evaluator(
        compiled,
        subject,
        context={**context, "refs": {k: r.as_dict() for k, r in refs.items()}},
        ledger=ledger,
        refs=refs,
        inbound=inbound,
        lever_connection=lever_connection,
        now=now,
        profile_url=profile_url,
    )
    for action in compiled.actions:
        try:
            if action.action.kind in INBOUND_KINDS:
                result.desired += evaluator.inbound_notes(action)
            elif not applies:
                result.desired += evaluator.closing(action, _keys_of(action.id, ledger))
            elif action.depends_on <= refs.keys():
                desired, due = evaluator.active(action)
                result.desired += desired
                if due is not None and (result.next_due is None or due < result.next_due):
                    result.next_due = due
        except (TemplateError, ValueError, KeyError) as exc:
            result.problems[action.id] = f"{type(exc).__name__}: {exc}"
    return result
