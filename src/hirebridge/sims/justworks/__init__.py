"""A stateful simulator of the Justworks partner API with an invented pending-hire write surface.

It mirrors the documented read API (OAuth, `/v1/company`, `/v1/members`) and adds the pending hires,
admins and outbox that docs/sims/justworks.md, its manual, describes.
"""

from __future__ import annotations

from hirebridge.sims.justworks.app import create_app
from hirebridge.sims.justworks.server import serve

__all__ = ["create_app", "serve"]
