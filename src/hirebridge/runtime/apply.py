"""The executor: performs planned actions, each through the handler of its kind (runtime/effects_*.py),
each write between an intent and its recorded outcome (runtime/effect_context.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from hirebridge.connectors.errors import PermanentError
from hirebridge.connectors.jira import BULK_LIMIT
from hirebridge.domain.effects import Desired, EffectRecord
from hirebridge.domain.plan import (
    Action,
    AddComment,
    CheckOffer,
    CreateIssue,
    CreateRequest,
    PostNote,
    PreparePacket,
    ResolvePending,
    TransitionIssue,
    UpdateIssue,
    WithdrawPacket,
)
from hirebridge.runtime import effects_comments, effects_jira, effects_jsm, effects_lever, effects_packets
from hirebridge.runtime.effect_context import EffectContext

Handler = Callable[[EffectContext, Any], Awaitable[None]]
Resolver = Callable[[EffectContext, Desired | None, EffectRecord], Awaitable[bool]]

HANDLERS: dict[type, Handler] = {
    UpdateIssue: effects_jira.update_issue,
    TransitionIssue: effects_jira.transition,
    CreateRequest: effects_jsm.create_request,
    AddComment: effects_comments.add_comment,
    PostNote: effects_lever.post_note,
    PreparePacket: effects_packets.packet,
    WithdrawPacket: effects_packets.packet,
    CheckOffer: effects_packets.check_offer,
}
# A write whose outcome a crash lost is looked for by the kind of effect it was; Jira issues and
# requests by the marker label.
RESOLVERS: dict[str, Resolver] = {
    "lever_note": effects_lever.resolve,
    "jira_comment": effects_comments.resolve,
    "justworks_packet": effects_packets.resolve,
}


class EffectExecutor:
    def __init__(self, context: EffectContext) -> None:
        self.context = context

    async def apply(self, actions: Sequence[Action], ledger_rows: Mapping[str, EffectRecord]) -> None:
        creates = [a.desired for a in actions if isinstance(a, CreateIssue)]
        for connection in sorted({d.connection for d in creates}):
            group = [d for d in creates if d.connection == connection]
            for start in range(0, len(group), BULK_LIMIT):
                await effects_jira.create_issues(
                    self.context, connection, group[start : start + BULK_LIMIT], ledger_rows
                )
        for action in actions:
            try:
                await self._apply_one(action)
            except PermanentError as exc:
                record = getattr(action, "record", None) or action.desired  # type: ignore[union-attr]
                await self.context.park(record, exc)

    async def _apply_one(self, action: Action) -> None:
        if isinstance(action, ResolvePending):
            await self.resolve_pending(action)
            return
        handler = HANDLERS.get(type(action))
        if handler is not None:
            await handler(self.context, action)

    async def resolve_pending(self, action: ResolvePending) -> None:
        """Find the marker of a write whose outcome was not recorded; forget it if it never happened.
        A write whose outcome a crash lost: the timeline says whether it had reached its target."""
        record = action.record
        resolve = RESOLVERS.get(record.kind, effects_jira.resolve)
        found = await resolve(self.context, action.desired, record)
        await self.context.audit(
            "pending-found" if found else "pending-forgotten",
            {"recipe": record.recipe, "key": record.key, "kind": record.kind},
        )
