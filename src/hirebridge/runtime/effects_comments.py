"""Comments on Jira issues (a recipe's `jira_comment`), each ending with its marker."""

from __future__ import annotations

from hirebridge.domain.adf import plain_text_adf
from hirebridge.domain.effects import Desired, DesiredComment, EffectRecord
from hirebridge.domain.plan import AddComment
from hirebridge.runtime import effects_jira
from hirebridge.runtime.effect_context import EffectContext, with_marker


async def add_comment(ctx: EffectContext, action: AddComment) -> None:
    desired = action.desired
    marker = await ctx.intend(desired, kind="jira_comment", target=f"jira:{desired.connection}")
    client = ctx.jira[desired.connection]
    comment = await client.add_comment(desired.issue_key, plain_text_adf(with_marker(desired.text, marker)))
    await ctx.done(desired, str(comment.get("id")), desired.issue_key)


async def resolve(ctx: EffectContext, desired: Desired | None, record: EffectRecord) -> bool:
    """A comment whose outcome was lost, found by its marker among the issue's comments."""
    if desired is None:
        # No longer wanted, and which issue it went to is known only to the desired comment.
        await ctx.forget(record)
        return False
    if not isinstance(desired, DesiredComment):
        return await effects_jira.resolve(ctx, desired, record)
    client = ctx.jira[record.target.removeprefix("jira:")]
    for comment in await client.comments(desired.issue_key):
        if record.marker in str(comment.get("body")):
            await ctx.done(record, str(comment["id"]), desired.issue_key)
            return True
    await ctx.forget(record)
    return False
