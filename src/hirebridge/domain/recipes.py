"""Recipes compiled once from the config, and evaluated against a snapshot into desired effects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hirebridge.config.models import Action, Recipe
from hirebridge.domain.adf import markdown_to_adf
from hirebridge.domain.effects import Desired, DesiredIssue, DesiredNote, EffectRecord, IssueContent, Ref
from hirebridge.domain.snapshot import OpportunitySnapshot
from hirebridge.domain.templates import Template, TemplateEngine
from hirebridge.domain.view import full_view, project_view


@dataclass(frozen=True)
class CompiledAction:
    action: Action
    templates: Mapping[str, Template]
    depends_on: frozenset[str]

    @property
    def id(self) -> str:
        return self.action.id

    def render(self, field: str, context: Mapping[str, Any]) -> str | None:
        template = self.templates.get(field)
        return template.render(context).strip() if template is not None else None


@dataclass(frozen=True)
class CompiledRecipe:
    recipe: Recipe
    actions: tuple[CompiledAction, ...]

    @property
    def name(self) -> str:
        return self.recipe.name


def compile_recipe(recipe: Recipe, engine: TemplateEngine) -> CompiledRecipe:
    compiled = []
    for action in recipe.actions:
        sources: dict[str, tuple[str, bool]] = {}
        if action.jira_issue is not None:
            issue = action.jira_issue
            sources = {"summary": (issue.summary, False)}
            if issue.description is not None:
                sources["description"] = (issue.description, True)
            for name in ("assignee", "priority", "due_date"):
                if getattr(issue, name) is not None:
                    sources[name] = (getattr(issue, name), False)
            for index, label in enumerate(issue.labels):
                sources[f"labels.{index}"] = (label, False)
        elif action.lever_note is not None:
            sources = {"text": (action.lever_note.text, False)}
        templates = {
            field: engine.compile(source, name=f"{recipe.name}.{action.id}.{field}", markdown=markdown)
            for field, (source, markdown) in sources.items()
        }
        depends = {
            path.split(".")[1]
            for template in templates.values()
            for path in template.fields_used()
            if path.startswith("refs.") and path.count(".") >= 1
        }
        if action.jira_issue is not None and action.jira_issue.parent:
            depends.add(action.jira_issue.parent)
        compiled.append(CompiledAction(action=action, templates=templates, depends_on=frozenset(depends)))
    return CompiledRecipe(recipe=recipe, actions=tuple(compiled))


def is_active(recipe: Recipe, snapshot: OpportunitySnapshot, stage_index: Mapping[str, int]) -> bool:
    """Level, not edge: the recipe applies while the opportunity is at or past the stage."""
    target = stage_index.get(recipe.when.stage_reached)
    if target is None:
        return False
    if snapshot.archived is not None and not snapshot.archived.hired:
        return False
    return snapshot.stage.index >= target


def reversal_comment(snapshot: OpportunitySnapshot, recipe: Recipe, closing: bool) -> str:
    when = datetime.fromtimestamp(
        (snapshot.archived.at if snapshot.archived else snapshot.stage_changed_at or 0) / 1000, tz=UTC
    ).strftime("%Y-%m-%d %H:%M UTC")
    if snapshot.archived is not None and not snapshot.archived.hired:
        change = f"was archived in Lever ({snapshot.archived.reason}) on {when}"
    else:
        change = f"moved to the Lever stage “{snapshot.stage.name}” on {when}"
    outcome = (
        f"no longer meets “{recipe.when.stage_reached}”"
        if closing
        else f"is at “{recipe.when.stage_reached}” again"
    )
    done = "closed" if closing else "reopened"
    return f"hirebridge: the candidate {change} and {outcome}, so this issue was {done}."


def desired_effects(
    compiled: CompiledRecipe,
    snapshot: OpportunitySnapshot,
    *,
    stage_index: Mapping[str, int],
    ledger: Mapping[str, EffectRecord],
    refs: Mapping[str, Ref],
    lever_connection: str,
) -> list[Desired]:
    """What this recipe wants for this opportunity now, given what is already done (`refs`).

    An action whose dependencies (its parent, or `refs.X` in a template) are not done yet is left out;
    the executor plans again once they are.
    """
    recipe = compiled.recipe
    active = is_active(recipe, snapshot, stage_index)
    if not active:
        return [
            DesiredIssue(
                recipe=recipe.name,
                key=action.id,
                connection=action.action.jira_issue.connection,
                phase="closed",
                status=recipe.on_reversal.cancel_status,
                comment=reversal_comment(snapshot, recipe, closing=True)
                if recipe.on_reversal.comment
                else None,
            )
            for action in compiled.actions
            if action.action.jira_issue is not None and action.id in ledger
        ]
    context: dict[str, Any] = project_view(full_view(snapshot), recipe.allow)
    context["refs"] = {key: ref.as_dict() for key, ref in refs.items()}
    out: list[Desired] = []
    for action in compiled.actions:
        if not action.depends_on <= refs.keys():
            continue
        if action.action.lever_note is not None:
            out.append(
                DesiredNote(
                    recipe=recipe.name,
                    key=action.id,
                    connection=lever_connection,
                    text=action.render("text", context) or "",
                    secret=action.action.lever_note.secret,
                )
            )
            continue
        issue = action.action.jira_issue
        assert issue is not None
        description = action.render("description", context)
        labels = tuple(
            label
            for index in range(len(issue.labels))
            if (label := action.render(f"labels.{index}", context) or "")
        )
        content = IssueContent(
            project=issue.project,
            issue_type=issue.type,
            summary=action.render("summary", context) or action.id,
            description=markdown_to_adf(description) if description else None,
            assignee_email=action.render("assignee", context) or None,
            labels=labels,
            priority=action.render("priority", context) or None,
            due_date=action.render("due_date", context) or None,
        )
        out.append(
            DesiredIssue(
                recipe=recipe.name,
                key=action.id,
                connection=issue.connection,
                phase="open",
                status=recipe.on_reversal.reopen_status,
                content=content,
                parent_key=issue.parent,
                comment=(
                    reversal_comment(snapshot, recipe, closing=False)
                    if recipe.on_reversal.comment and ledger.get(action.id, None) is not None
                    else None
                ),
            )
        )
    return out
