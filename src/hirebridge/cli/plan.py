"""`hirebridge plan`: per subject, the writes a reconcile would make now. Writes nothing anywhere."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hirebridge.cli.app import ConfigOption, app, load_config_or_exit

if TYPE_CHECKING:
    from hirebridge.domain.simulate import PlannedWrite
    from hirebridge.runtime.dry_run import SubjectPlan
    from hirebridge.runtime.ledger_changes import LedgerChanges

LABELS = {
    "create": "create issue",
    "update": "update issue",
    "transition": "transition",
    "request": "JSM request",
    "comment": "comment",
    "note": "Lever note",
    "packet": "packet",
    "resolve": "resolve",
}


@app.command("plan")
def plan_command(
    config: ConfigOption = None,
    opportunity: Annotated[str | None, typer.Option("--opportunity", help="A Lever opportunity id.")] = None,
    requisition: Annotated[str | None, typer.Option("--requisition", help="A Lever requisition id.")] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Every opportunity and requisition the recipes could apply to.")
    ] = False,
    lever: Annotated[
        str | None, typer.Option("--lever", help="The Lever connection (default: the only one, or 'main').")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Print what a reconcile would create, update, transition, comment and note — without doing it."""
    from hirebridge.domain.plan_summary import summary_rows
    from hirebridge.errors import HirebridgeError
    from hirebridge.runtime.dry_run import run_plan
    from hirebridge.runtime.ledger_changes import LedgerChanges
    from hirebridge.runtime.process import database_url

    if sum((opportunity is not None, requisition is not None, everything)) != 1:
        typer.echo("name exactly one of --opportunity ID, --requisition ID or --all", err=True)
        raise typer.Exit(2)
    loaded = load_config_or_exit(config)
    connections = list(loaded.lever)
    connection = lever or ("main" if "main" in connections or len(connections) != 1 else connections[0])
    if connection not in loaded.lever:
        typer.echo(f"no Lever connection '{connection}'; known: {', '.join(connections)}", err=True)
        raise typer.Exit(2)
    changes = LedgerChanges()
    try:
        plans = asyncio.run(
            run_plan(
                loaded,
                database_url(),
                lever=connection,
                opportunity=opportunity,
                requisition=requisition,
                everything=everything,
                changes=changes,
            )
        )
    except HirebridgeError as exc:
        typer.echo(f"plan failed: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        body: dict[str, Any] = {"subjects": [p.as_dict() for p in plans]}
        if everything:
            body["summary"] = summary_rows(w for p in plans for w in p.writes)
            body["renames"] = [
                {"from": f"{r.old.recipe}/{r.old.action}", "to": r.to} for r in changes.renames
            ]
        typer.echo(json.dumps(body, indent=2, default=str))
    else:
        if everything:
            typer.echo(render_summary(plans, changes, loaded.rollout.mode))
        for subject_plan in plans:
            typer.echo(render(subject_plan))
        total = sum(len(p.writes) for p in plans)
        typer.echo(f"{total} write(s) planned for {len(plans)} subject(s); nothing was written.")
    if opportunity is not None or requisition is not None:
        raise typer.Exit(0 if plans and plans[0].found else 1)


def render_summary(plans: list[SubjectPlan], changes: LedgerChanges, mode: str) -> str:
    """Per recipe and action, how many writes of each kind; then orphans and likely renames."""
    from hirebridge.domain.plan_summary import counts_text, summary_rows

    lines = ["Summary by recipe and action:"]
    for row in summary_rows(w for p in plans for w in p.writes):
        lines.append(f"  {row['recipe']}/{row['action']}: {counts_text(row)}")
    if len(lines) == 1:
        lines.append("  nothing to write")
    orphaned = sum(len(p.orphans) for p in plans)
    if orphaned:
        lines.append(f"  {orphaned} effect(s) of removed recipes or actions (see each subject)")
    for rename in changes.renames:
        lines.append(
            f"  !! '{rename.old.recipe}/{rename.old.action}' is gone and '{rename.to}' is new with the same "
            f"target: if it was renamed, declare `{rename.declaration}` (else it makes everything again)"
        )
    if mode == "manual":
        lines.append("  rollout: manual — run `hirebridge apply` to let the service apply this")
    return "\n".join(lines) + "\n"


def render(subject_plan: SubjectPlan) -> str:
    subject = subject_plan.subject
    head = f"{subject.kind} {subject.id} (lever:{subject.connection})"
    if subject_plan.erased:
        return f"{head}: erased; nothing is written for it again\n"
    if not subject_plan.found:
        return f"{head}: not found in Lever\n"
    if subject_plan.stage:
        head += f", stage “{subject_plan.stage}”"
    lines = [head]
    if not subject_plan.writes:
        lines.append("  nothing to do")
    for index, write in enumerate(subject_plan.writes, start=1):
        lines.append(f"  {index:>2}. {LABELS.get(write.op, write.op):<13} {_describe(write)}")
        lines += [f"        {detail}" for detail in _details(write)]
    for orphan in subject_plan.orphans:
        lines.append(f"  ?? {orphan}: its recipe or action was removed")
    if subject_plan.moved:
        lines.append(f"  {subject_plan.moved} effect(s) moved by `moved` before planning")
    for where, problem in subject_plan.problems.items():
        lines.append(f"  !! {where}: cannot render ({problem}); an apply parks it")
    if subject_plan.next_due is not None:
        lines.append(f"  next run due {subject_plan.next_due.isoformat(timespec='minutes')}")
    return "\n".join(lines) + "\n"


def _describe(write: PlannedWrite) -> str:
    where = f"[{write.recipe}/{write.key}]"
    d = write.detail
    if write.op == "create":
        under = f" under {d['parent']}" if d.get("parent") else ""
        return f"{write.ref} {d['project']} {d['issue_type']}{under}: “{write.summary}” {where}"
    if write.op == "request":
        return f"{write.ref} {d['service_desk']} / {d['request_type']}: “{write.summary}” {where}"
    if write.op in ("update", "transition", "comment"):
        return f"{write.ref} {write.summary if write.op != 'comment' else ''}".rstrip() + f" {where}"
    if write.op == "note":
        return f"on {write.target} {where}"
    return f"{write.summary} {where}"


def _details(write: PlannedWrite) -> list[str]:
    d: dict[str, Any] = write.detail
    out = []
    for name in ("assignee", "priority", "due_date", "perform_as", "comment"):
        if d.get(name):
            out.append(f"{name.replace('_', ' ')}: {d[name]}")
    if d.get("labels"):
        out.append("labels: " + ", ".join(d["labels"]))
    for name, value in (d.get("fields") or {}).items():
        out.append(f"{name}: {value}")
    if d.get("text"):
        out += [f"│ {line}" for line in str(d["text"]).splitlines()]
    if d.get("secret"):
        out.append("(secret note)")
    return out
