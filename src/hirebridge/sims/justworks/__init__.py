"""A stateful simulator of the Justworks Partner API: OAuth (authorization code), company, members.

It serves only the documented read surface; the admin's "Add a person" form, which Justworks offers
only in its web UI, is on the control API. docs/sims/justworks.md is its manual.
"""

from __future__ import annotations

from hirebridge.sims.justworks.app import create_app
from hirebridge.sims.justworks.server import serve

__all__ = ["create_app", "serve"]
