"""What the offers poll compares: a fingerprint of an opportunity's offers as a reconcile read them.

Lever sends no webhook for an offer and signing one does not move the opportunity's `updatedAt`, so
the poll reads the offers of the candidates it watches and queues a reconcile only when they differ.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from hirebridge.domain.snapshot import Offer


def offers_fingerprint(offers: Sequence[Offer]) -> str:
    """Order-free: Lever's list order is not documented."""
    rows = sorted(json.dumps([o.id, o.status, dict(o.fields)], sort_keys=True, default=str) for o in offers)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:24]
