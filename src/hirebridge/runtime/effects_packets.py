"""Justworks: the new-hire packet prepared for review (or withdrawn), and the offer check's note."""

from __future__ import annotations

from hirebridge.connectors.errors import Rejected
from hirebridge.domain.effects import Desired, EffectRecord, digest
from hirebridge.domain.packet import offer_check_cleared, offer_check_note
from hirebridge.domain.plan import CheckOffer, PreparePacket, WithdrawPacket
from hirebridge.runtime.effect_context import EffectContext, with_marker


async def packet(ctx: EffectContext, action: PreparePacket | WithdrawPacket) -> None:
    if ctx.packets is None:
        raise Rejected("Justworks packets need a `justworks` connection in the configuration")
    desired = action.desired
    if isinstance(action, WithdrawPacket):
        await ctx.packets.withdraw_packet(ctx.subject, action.record)
        record = action.record
        await ctx.done(desired, record.external_id, status="withdrawn", content_hash=record.content_hash)
        return
    await ctx.intend(desired, kind="justworks_packet", target=f"justworks:{desired.connection}")
    result = await ctx.packets.prepare_packet(ctx.subject, desired, action.record)
    await ctx.done(desired, result.packet_id, status=result.status, content_hash=desired.digest)


async def check_offer(ctx: EffectContext, action: CheckOffer) -> None:
    """Tell the recruiter in one Lever note what Justworks would refuse in this offer. The note is
    posted when there is something to fix and changed (Lever lets the API edit its own notes)
    when the findings change; an offer with nothing to fix gets no note at all."""
    if ctx.packets is None:
        raise Rejected("the Justworks offer check needs a `justworks` connection")
    desired, record = action.desired, action.record
    check = await ctx.packets.check_fields(desired.connection, desired.fields)
    text = offer_check_note(check)
    findings = digest(text or "")
    note_id = record.external_id if record is not None else None
    if record is not None and record.status == findings:
        pass  # the offer changed, what Justworks would refuse did not: the note stands
    elif note_id:
        text = with_marker(text or offer_check_cleared(), record.marker)  # type: ignore[union-attr]
        await ctx.lever.update_note(ctx.subject.id, note_id, text)
    else:
        marker = await ctx.intend(desired, kind="lever_note", target=f"lever:{ctx.subject.connection}")
        if text is not None:
            note = await ctx.lever.add_note(
                ctx.subject.id, with_marker(text, marker), secret=desired.secret, perform_as=ctx.perform_as
            )
            note_id = str(note.get("id") or note.get("noteId"))
    await ctx.done(desired, note_id, status=findings, content_hash=desired.digest)


async def resolve(ctx: EffectContext, desired: Desired | None, record: EffectRecord) -> bool:
    """Preparing a packet is local and idempotent per subject: doing it again is safe."""
    await ctx.forget(record)
    return False
