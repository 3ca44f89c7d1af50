"""Changes to the recipes themselves: which configuration a subject was reconciled under, renames
(`moved`), and effects whose recipe or action was removed (orphans). Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from hirebridge.config.changes import Moved, Rollout
from hirebridge.config.models import Config, Recipe
from hirebridge.domain.effects import DesiredIssue, DesiredPacket, DesiredRequest, EffectRecord
from hirebridge.domain.plan import PACKET_FINAL, Action, TransitionIssue, WithdrawPacket

Ledger = Mapping[tuple[str, str], EffectRecord]
CLOSABLE = frozenset({"jira_issue", "jsm_request"})


def recipes_fingerprint(config: Config, connection: str, kind: str) -> str:
    """Of everything that decides what a subject of `kind` on `connection` should look like: its
    recipes, the lookup tables they read, renames and the orphan policy. A subject last reconciled
    under another fingerprint is due again; a change elsewhere (a port, a rate) is not a change of
    desired state."""
    recipes = [
        r.model_dump(mode="json") for r in config.recipes if r.lever == connection and r.subject == kind
    ]
    payload = {
        "recipes": recipes,
        "lookups": config.lookups,
        "moved": [m.model_dump(mode="json") for m in config.moved],
        "orphans": [config.rollout.orphans, config.rollout.close_status],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def action_of(key: str) -> str:
    """The action an effect key belongs to: `interview:abc` (one per item) and `packet.outcome` (its
    note) belong to `interview` and `packet`."""
    return key.split(":", 1)[0].split(".", 1)[0]


def move_key(record: EffectRecord, move: Moved) -> tuple[str, str] | None:
    """Where `move` puts the effect, or None when it does not concern it."""
    old_recipe, old_action, new_recipe, new_action = move.parts()
    if record.recipe != old_recipe:
        return None
    if old_action is None:
        return new_recipe, record.key
    if action_of(record.key) != old_action:
        return None
    assert new_action is not None
    return new_recipe, new_action + record.key[len(old_action) :]


def apply_moves(ledger: Ledger, moves: Sequence[Moved]) -> tuple[dict[tuple[str, str], EffectRecord], int]:
    """The ledger as it reads after the renames (the store does the same in SQL); an effect whose new
    address is taken already stays where it is. Also the number moved."""
    out = dict(ledger)
    moved = 0
    for move in moves:
        for address, record in list(out.items()):
            target = move_key(record, move)
            if target is None or target in out:
                continue
            del out[address]
            out[target] = replace(record, recipe=target[0], key=target[1])
            moved += 1
    return out, moved


def orphans(ledger: Ledger, recipes: Iterable[Recipe]) -> list[EffectRecord]:
    """Effects whose recipe, or whose action within it, no longer exists."""
    actions = {r.name: {a.id for a in r.actions} for r in recipes}
    return [r for r in ledger.values() if action_of(r.key) not in actions.get(r.recipe, ())]


def close_orphans(found: Sequence[EffectRecord], rollout: Rollout) -> list[Action]:
    """Under `orphans: close`: each open issue or request moved to the close status with an audit
    comment, each packet not yet sent withdrawn. Notes and comments stay: they are history."""
    if rollout.orphans != "close":
        return []
    actions: list[Action] = []
    for record in found:
        if record.state != "done":
            continue
        connection = record.target.partition(":")[2]
        if record.kind in CLOSABLE and (record.status or "").lower() != rollout.close_status.lower():
            comment = (
                f"hirebridge closed this: the action '{record.recipe}/{action_of(record.key)}' that made it "
                "was removed from hirebridge's recipes."
            )
            cls = DesiredIssue if record.kind == "jira_issue" else DesiredRequest
            desired = cls(record.recipe, record.key, connection, rollout.close_status, comment=comment)
            actions.append(TransitionIssue(desired, record))
        elif record.kind == "justworks_packet" and record.status not in {*PACKET_FINAL, "withdrawn"}:
            actions.append(WithdrawPacket(DesiredPacket(record.recipe, record.key, connection, None), record))
    return actions


@dataclass(frozen=True)
class Orphaned:
    """Effects of one removed action, over every subject: what `check` and `plan` list."""

    recipe: str
    action: str
    kind: str
    target: str
    count: int


@dataclass(frozen=True)
class Rename:
    """A likely rename: a removed action's effects and a new action of the same kind and target."""

    old: Orphaned
    to: str  # recipe/action

    @property
    def declaration(self) -> str:
        return f"moved: [{{from: {self.old.recipe}/{self.old.action}, to: {self.to}}}]"


def removed_actions(rows: Iterable[tuple[str, str, str, str, int]], config: Config) -> list[Orphaned]:
    """From the ledger's (recipe, action, kind, target, count) rows: those no recipe has any more,
    once the declared renames are taken into account."""
    actions = {r.name: {a.id for a in r.actions} for r in config.recipes}
    moved_from = {m.from_ for m in config.moved}
    out = []
    for recipe, action, kind, target, count in rows:
        if action in actions.get(recipe, ()) or recipe in moved_from or f"{recipe}/{action}" in moved_from:
            continue
        out.append(Orphaned(recipe, action, kind, target, count))
    return out


def _target(config: Config, recipe: Recipe, action_id: str) -> tuple[str, str]:
    action = next(a for a in recipe.actions if a.id == action_id)
    connection = getattr(action.body, "connection", None) or recipe.lever
    system = {"lever_note": "lever", "justworks_packet": "justworks"}.get(action.kind, "jira")
    return action.kind, f"{system}:{connection if system != 'lever' else recipe.lever}"


def likely_renames(
    removed: Sequence[Orphaned], config: Config, in_ledger: Iterable[tuple[str, str]]
) -> list[Rename]:
    """A removed action whose recipe has a new action (none of its effects exist yet) of the same kind
    and target is most likely that action renamed; a removed recipe likewise by its actions."""
    used = set(in_ledger)
    taken = {m.to for m in config.moved}  # a declared rename's target is not new: it took over
    out = []
    for old in removed:
        candidates = [
            f"{recipe.name}/{action.id}"
            for recipe in config.recipes
            for action in recipe.actions
            if (recipe.name, action.id) not in used
            and not {recipe.name, f"{recipe.name}/{action.id}"} & taken
            and _target(config, recipe, action.id) == (old.kind, old.target)
            and (recipe.name == old.recipe or old.recipe not in {r.name for r in config.recipes})
        ]
        same_recipe = [c for c in candidates if c.startswith(old.recipe + "/")]
        best = same_recipe or candidates
        if len(best) == 1:
            out.append(Rename(old, best[0]))
    return out
