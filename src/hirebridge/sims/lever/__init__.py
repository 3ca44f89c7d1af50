"""A stateful simulator of Lever's Data API (`/v1/...`) with a control API (`/_sim/...`).

See docs/sims/lever.md for the default company, credentials, control API, fault knobs and seed format.
"""

from __future__ import annotations

from hirebridge.sims.lever.app import create_app, serve

__all__ = ["create_app", "serve"]
