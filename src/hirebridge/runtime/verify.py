"""`hirebridge check`: validate the config file, then read Lever and Jira to verify what it names.

Reads only. The file's own problems (syntax, shape, references between recipes, templates, privacy)
come from the loader; then each Lever and Jira connection is read once for what the recipes refer
to, and every reference is judged (runtime/verify_judge.py).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.config.secret_key import SECRET_KEY_VARIABLE, SecretKeyWrong
from hirebridge.config.yamlsource import (
    ConfigError,
    Locator,
    Problem,
    expand_env,
    load_yaml,
    required_env,
    validate,
)
from hirebridge.connectors.errors import ConnectorError
from hirebridge.connectors.jira import JiraClient
from hirebridge.connectors.lever import LeverClient
from hirebridge.domain.offer_stage import find_offer_stage
from hirebridge.runtime.configuration import config_problems
from hirebridge.runtime.ledger_changes import LedgerChanges, read_ledger_changes
from hirebridge.runtime.oauth_vault import lever_oauth
from hirebridge.runtime.verify_judge import JiraCatalog, LeverCatalog, judge_jira, judge_lever
from hirebridge.runtime.verify_refs import Reference, privacy_opt_ins, references
from hirebridge.settings import Settings
from hirebridge.store.database import open_pool, resolve_database_url
from hirebridge.store.migrate import migrate

Level = Literal["error", "warning", "info"]
_RECIPE_PATH = re.compile(r"^recipes\[(\d+)\](?:\.actions\[(\d+)\])?")


@dataclass(frozen=True)
class Finding:
    level: Level
    where: str  # file:line:col
    recipe: str | None
    action: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "where": self.where,
            "recipe": self.recipe,
            "action": self.action,
            "message": self.message,
        }


def _names(path: str, data: Any) -> tuple[str | None, str | None]:
    """The recipe name and action id a problem's path points into, read from the raw data."""
    match = _RECIPE_PATH.match(path)
    if match is None or not isinstance(data, Mapping):
        return None, None
    try:
        recipe = data["recipes"][int(match[1])]
        action = recipe["actions"][int(match[2])] if match[2] is not None else None
    except (KeyError, IndexError, TypeError):
        return None, None
    return (
        str(recipe.get("name")) if isinstance(recipe, Mapping) else None,
        str(action.get("id")) if isinstance(action, Mapping) else None,
    )


def _finding(problem: Problem, data: Any, level: Level = "error") -> Finding:
    recipe, action = _names(problem.path, data)
    return Finding(level, f"{problem.file}:{problem.line}:{problem.column}", recipe, action, problem.message)


def load_for_check(
    path: Path, environ: Mapping[str, str] = os.environ
) -> tuple[Config | None, Locator | None, list[Finding]]:
    """The config and its positions, or the file's problems as findings."""
    data: Any = None
    try:
        raw, locator = load_yaml(path)
        data = expand_env(raw, environ, locator=locator, file=str(path))
        config = validate(data, locator, Config, file=str(path))
    except ConfigError as exc:
        return None, None, [_finding(p, data) for p in exc.problems]
    problems = config_problems(config, locator, environ, file=str(path))
    return config, locator, [_finding(p, data) for p in problems]


def privacy_findings(config: Config, locator: Locator) -> list[Finding]:
    out = []
    for loc, recipe, what in privacy_opt_ins(config):
        problem = locator.problem(loc, what)
        out.append(Finding("info", f"{problem.file}:{problem.line}:{problem.column}", recipe, None, what))
    return out


RETENTION_WHAT = {
    "inbox_days": "received webhooks are deleted after {} days",
    "audit_detail_days": "timeline details are redacted after {} days",
    "audit_days": "timeline rows are deleted after {} days (erasure records are kept)",
    "finished_packet_days": (
        "joined, sent, declined and withdrawn Justworks packets are redacted after {} days"
    ),
}


def lifecycle_summary(config: Config) -> list[str]:
    """The retention windows in force (and which are defaults), and what an erasure does to each
    recipe's Jira issues."""
    given = config.retention.model_fields_set
    lines = [
        RETENTION_WHAT[name].format(f"{days:g}") + ("" if name in given else " (default)")
        for name, days in config.retention.windows().items()
    ]
    for recipe in (r for r in config.recipes if r.subject == "opportunity"):
        policy = recipe.on_erasure
        what = {
            "leave": "left as they are",
            "redact": "redacted",
            "close": f"redacted and moved to '{policy.close_status}'",
        }[policy.jira]
        lines.append(f"recipe {recipe.name}: on erasure, its Jira issues are {what}")
    return lines


async def read_lever(client: LeverClient, offer_stage: str | None = None) -> LeverCatalog:
    stages, reasons, users = await asyncio.gather(client.stages(), client.archive_reasons(), client.users())
    return LeverCatalog(
        stages=[str(s.get("text", "")) for s in stages],
        archive_reasons=[str(r.get("text", "")) for r in reasons],
        user_emails=[str(u.get("email", "")) for u in users if u.get("email")],
        offer_stage=find_offer_stage(stages, offer_stage),
    )


def offer_stage_finding(config: Config, name: str, lever: LeverCatalog, locator: Locator) -> Finding | None:
    """Which stage the offers are polled in, for a connection with an `offer_accepted` recipe."""
    if not any(r.lever == name and r.when.offer_accepted for r in config.recipes):
        return None
    configured = config.lever[name].offer_stage
    path = ("lever", name, "offer_stage") if configured else ("lever", name)
    problem = locator.problem(path, "")
    where = f"{problem.file}:{problem.line}:{problem.column}"
    found = lever.offer_stage
    if found is None:
        message = (
            f"Lever has no stage '{configured}' (offer_stage); offers cannot be polled"
            if configured
            else "Lever lists no stages; set offer_stage to the stage where offers are signed"
        )
        return Finding("error", where, None, None, message)
    message = (
        f"offer stage: '{found.name}' (id {found.id}), found by {found.found_by}; candidates there "
        "are checked for a signed offer every poll_interval_seconds"
    )
    return Finding("info", where, None, None, message)


def _allowed(meta: Mapping[str, Any]) -> list[str] | None:
    # Create metadata names an option `value` (priorities: `name`); JSM's validValues give an id as
    # `value` and the option's text as `label`.
    if meta.get("validValues"):
        return [str(v.get("label") or v.get("value") or "") for v in meta["validValues"]]
    values = meta.get("allowedValues")
    if not values:
        return None
    return [str(v.get("value") or v.get("name") or "") for v in values]


async def read_jira(client: JiraClient, refs: list[Reference]) -> JiraCatalog:
    """What the site holds of what `refs` names: only the projects and desks the config uses."""
    catalog = JiraCatalog()
    catalog.projects = {str(p["key"]): str(p.get("name", "")) for p in await client.projects()}
    fields = await client.fields()
    catalog.field_names = sorted(
        {str(m.get("name", "")) for m in fields.values()} | {str(m.get("id", "")) for m in fields.values()}
    )
    catalog.priorities = [str(p.get("name", "")) for p in await client.priorities()]
    for desk in await client.service_desks():
        entry = {
            "id": str(desk.get("id")),
            "key": str(desk.get("projectKey", "")),
            "name": str(desk.get("projectName", "")),
        }
        catalog.desks[entry["key"].casefold()] = catalog.desks[entry["name"].casefold()] = entry
    by_fold = {key.casefold(): key for key in catalog.projects}
    wanted_types: dict[str, set[str]] = {}
    for ref in refs:
        desk = catalog.desks.get((ref.project or "").casefold()) if ref.issue_type is None else None
        key = desk["key"] if desk else by_fold.get((ref.project or "").casefold())
        if key is not None and ref.kind in ("issue_type", "field", "status"):
            wanted_types.setdefault(key, set())
            if ref.issue_type:
                wanted_types[key].add(ref.issue_type.casefold())
    for key, types in wanted_types.items():
        await _read_project(client, catalog, key, types)
    for user in {r.value.strip() for r in refs if r.kind == "assignee"}:
        if "@" not in user:
            catalog.accounts[user.casefold()] = await client.user_exists(user)
            continue
        catalog.accounts[user.casefold()] = await client.account_id(user) is not None
        if not catalog.accounts[user.casefold()]:
            catalog.user_hints[user.casefold()] = await _user_hints(client, user)
    for ref in refs:
        if ref.kind == "request_type" and ref.project and ref.project.casefold() in catalog.desks:
            await _read_request_type(client, catalog, catalog.desks[ref.project.casefold()], ref.value)
    return catalog


async def _user_hints(client: JiraClient, email: str) -> list[str]:
    """Users Jira's search finds by the first word of the email's name part (`mona.lee@` → "mona")."""
    word = re.split(r"[._+-]", email.partition("@")[0])[0]
    if not word:
        return []
    found = await client.find_users(word)
    return [f"'{u.get('displayName', '')}' (accountId {u.get('accountId', '')})" for u in found[:3]]


async def _read_project(client: JiraClient, catalog: JiraCatalog, key: str, types: set[str]) -> None:
    issue_types = await client.create_issue_types(key)
    catalog.issue_types[key] = {str(t["name"]): int(t.get("hierarchyLevel", 0)) for t in issue_types}
    for entry in await client.project_statuses(key):
        catalog.statuses[(key, str(entry["name"]))] = [str(s["name"]) for s in entry.get("statuses") or ()]
    for issue_type in issue_types:
        name = str(issue_type["name"])
        if name.casefold() not in types:
            continue
        screen: dict[str, dict[str, Any]] = {}
        for meta in await client.create_fields(key, str(issue_type["id"])):
            entry = {
                "id": str(meta.get("fieldId", "")),
                "name": str(meta.get("name", "")),
                "allowed": _allowed(meta),
            }
            screen[entry["name"].casefold()] = screen[entry["id"].casefold()] = entry
        catalog.create_fields[(key, name)] = screen


async def _read_request_type(
    client: JiraClient, catalog: JiraCatalog, desk: dict[str, str], name: str
) -> None:
    types = await client.request_types(desk["id"])
    catalog.request_types[desk["key"]] = [str(t.get("name", "")) for t in types]
    match = next((t for t in types if str(t.get("name", "")).casefold() == name.casefold()), None)
    if match is None:
        return
    fields = {}
    for meta in await client.request_type_fields(desk["id"], str(match["id"])):
        entry = {
            "id": str(meta.get("fieldId", "")),
            "name": str(meta.get("name", "")),
            "required": bool(meta.get("required")),
            "allowed": _allowed(meta),
        }
        fields[entry["name"].casefold()] = entry
    catalog.request_fields[(desk["key"], name.casefold())] = fields


async def verify_connections(
    config: Config, locator: Locator, pool: AsyncConnectionPool | None = None
) -> list[Finding]:
    """Connect to every Lever and Jira connection the recipes use and judge each reference.

    `pool` holds the tokens of Lever connections that use OAuth."""
    refs = references(config)
    findings: list[Finding] = []

    def found(ref: Reference, message: str) -> None:
        problem = locator.problem(ref.loc, message)
        where = f"{problem.file}:{problem.line}:{problem.column}"
        findings.append(Finding("error", where, ref.recipe, ref.action, message))

    for kind, connections in (("lever", config.lever), ("jira", config.jira)):
        for name, connection in connections.items():
            mine = [r for r in refs if r.connection == f"{kind}:{name}"]
            if kind == "jira" and not mine:
                continue
            client: Any = (
                LeverClient(connection, auth=lever_oauth(pool, name, connection) if pool else None)  # type: ignore[arg-type]
                if kind == "lever"
                else JiraClient(connection)  # type: ignore[arg-type]
            )
            try:
                if kind == "lever":
                    lever = await read_lever(client, connection.offer_stage)  # type: ignore[union-attr]
                    stage_finding = offer_stage_finding(config, name, lever, locator)
                    if stage_finding:
                        findings.append(stage_finding)
                    for ref in mine:
                        message = judge_lever(ref, lever)
                        if message:
                            found(ref, message)
                else:
                    jira = await read_jira(client, mine)
                    for ref in mine:
                        message = judge_jira(ref, jira)
                        if message:
                            found(ref, message)
            except (ConnectorError, SecretKeyWrong) as exc:
                problem = locator.problem((kind, name), "")
                findings.append(
                    Finding(
                        "error",
                        f"{problem.file}:{problem.line}:{problem.column}",
                        None,
                        None,
                        f"cannot read {kind.title()} connection '{name}' ({connection.base_url}): {exc}",
                    )
                )
            finally:
                await client.aclose()
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


# Stands for a variable's value offline: long enough to pass as a secret key, and no real secret.
OFFLINE_VALUE = "not-checked-offline-" + "x" * 32


def offline_environ(path: Path, environ: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The environment an offline check validates with: every variable the file needs (and the OAuth
    token key) stands in when unset, since their values are not checked. Also the names stood in for."""
    try:
        data = load_yaml(path)[0]
    except ConfigError:
        data = {}
    needed = required_env(data)
    lever = data.get("lever") if isinstance(data, Mapping) else None
    if isinstance(lever, Mapping) and any(isinstance(c, Mapping) and "oauth" in c for c in lever.values()):
        needed.append(SECRET_KEY_VARIABLE)
    console = data.get("console") if isinstance(data, Mapping) else None
    if isinstance(console, Mapping) and console.get("oidc") and console.get("enabled", True):
        needed.append(SECRET_KEY_VARIABLE)
    unset = [name for name in dict.fromkeys([*needed, SECRET_KEY_VARIABLE]) if not environ.get(name)]
    return {**environ, **dict.fromkeys(unset, OFFLINE_VALUE)}, [n for n in unset if n in needed]


def not_checked_offline(path: Path, environ: Mapping[str, str] = os.environ) -> str:
    """What an offline check leaves out, said after its findings."""
    unset = offline_environ(path, environ)[1]
    note = "not checked offline: the values of secrets and other environment variables, and the connections"
    return note + (f" ({', '.join(unset)} not set here)" if unset else "")


async def check(path: Path, *, offline: bool = False) -> list[Finding]:
    environ = offline_environ(path, os.environ)[0] if offline else os.environ
    config, locator, findings = load_for_check(path, environ)
    if config is None or locator is None:
        return findings
    findings += privacy_findings(config, locator)
    if not offline:
        async with _token_store(config) as pool:
            findings += await verify_connections(config, locator, pool)
        findings += ledger_findings(config, locator, await read_ledger_changes(config, Settings.from_env()))
    return findings


def ledger_findings(config: Config, locator: Locator, changes: LedgerChanges) -> list[Finding]:
    """Effects of actions the recipes no longer have, and the `moved` block a likely rename needs."""
    file = locator.file
    if changes.unread is not None:
        message = f"the ledger was not read ({changes.unread}): removed and renamed actions not checked"
        return [Finding("info", file, None, None, message)]
    out = []
    renamed = {(r.old.recipe, r.old.action): r for r in changes.renames}
    policy = config.rollout.orphans
    for old in changes.removed:
        rename = renamed.get((old.recipe, old.action))
        what = f"{old.count} effect(s) ({old.kind}, {old.target}) were made by '{old.recipe}/{old.action}'"
        if rename is not None:
            message = (
                f"{what}, which no recipe has any more, and '{rename.to}' is new with the same target: "
                f"if it was renamed, declare `{rename.declaration}` or it makes everything again"
            )
            out.append(
                Finding("warning", _where(config, locator, rename.to), old.recipe, old.action, message)
            )
            continue
        fate = {
            "keep": "kept as they are (orphans: keep)",
            "close": f"closed as '{config.rollout.close_status}' with an audit comment (orphans: close)",
            "review": "listed by `hirebridge status` for a person to handle (orphans: review)",
        }[policy]
        message = f"{what}, which no recipe has any more: {fate}"
        out.append(
            Finding("warning" if policy == "review" else "info", file, old.recipe, old.action, message)
        )
    return out


def _where(config: Config, locator: Locator, address: str) -> str:
    recipe, _, action = address.partition("/")
    r_index = next((i for i, r in enumerate(config.recipes) if r.name == recipe), None)
    loc: tuple[str | int, ...] = ("recipes", r_index) if r_index is not None else ()
    if r_index is not None and action:
        a_index = next((i for i, a in enumerate(config.recipes[r_index].actions) if a.id == action), None)
        loc = (*loc, "actions", a_index, "id") if a_index is not None else loc
    line, column = locator.position(loc)
    return f"{locator.file}:{line}:{column}"


@asynccontextmanager
async def _token_store(config: Config) -> AsyncIterator[AsyncConnectionPool | None]:
    """The store, only when a Lever connection keeps OAuth tokens there."""
    if not any(c.oauth for c in config.lever.values()):
        yield None
        return
    async with open_pool(resolve_database_url(Settings.from_env()), max_size=2) as pool:
        await migrate(pool)
        yield pool
