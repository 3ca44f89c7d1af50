"""Which of an account's stages is its Offer stage, where candidates wait for their offer to be signed.

Every Lever pipeline ends with the Offer stage, whose system id is `offer` whatever the account calls
it (Lever's developer FAQ; sandbox records give it the highest `toStageIndex`). An account may name it
otherwise ("Offer Extended", a translation); the id still finds it. A connection's `offer_stage`
(a name or an id) overrides both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LEVER_OFFER_ID = "offer"


@dataclass(frozen=True)
class OfferStage:
    id: str
    name: str
    found_by: str  # how it was found, for `hirebridge check`


def find_offer_stage(stages: Sequence[Mapping[str, Any]], configured: str | None) -> OfferStage | None:
    """The configured stage (by id, then name, case-insensitive), else Lever's `offer` stage, else the
    pipeline's last stage; `None` when a configured stage does not exist or there are no stages."""
    pairs = [(str(s.get("id", "")), str(s.get("text", ""))) for s in stages]
    if configured:
        wanted = configured.casefold()
        for stage_id, name in pairs:
            if wanted in (stage_id.casefold(), name.casefold()):
                return OfferStage(stage_id, name, "offer_stage in the configuration")
        return None
    for stage_id, name in pairs:
        if stage_id == LEVER_OFFER_ID:
            return OfferStage(stage_id, name, "Lever's offer stage (id `offer`)")
    if pairs:
        stage_id, name = pairs[-1]
        return OfferStage(stage_id, name, "the last stage of the pipeline")
    return None
