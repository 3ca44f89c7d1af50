"""Lever notes on the subject's candidate, posted as the connection's user (or the recipe's)."""

from __future__ import annotations

from hirebridge.domain.effects import Desired, EffectRecord
from hirebridge.domain.plan import PostNote
from hirebridge.runtime.effect_context import EffectContext, with_marker


async def post_note(ctx: EffectContext, action: PostNote) -> None:
    desired = action.desired
    marker = await ctx.intend(desired, kind="lever_note", target=f"lever:{desired.connection}")
    perform_as = ctx.perform_as
    if desired.perform_as:
        perform_as = await ctx.reference.user_id_by_email(desired.perform_as) or perform_as
    note = await ctx.lever.add_note(
        ctx.subject.id, with_marker(desired.text, marker), secret=desired.secret, perform_as=perform_as
    )
    await ctx.done(desired, str(note.get("id") or note.get("noteId")))


async def resolve(ctx: EffectContext, desired: Desired | None, record: EffectRecord) -> bool:
    """A note whose post's outcome was lost, found by its marker among the candidate's notes."""
    async for note in ctx.lever.notes(ctx.subject.id):
        if any(record.marker in str(f.get("value", "")) for f in note.get("fields") or ()):
            await ctx.done(record, str(note["id"]))
            return True
    await ctx.forget(record)
    return False
