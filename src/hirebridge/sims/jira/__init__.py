"""A stateful simulator of Jira Cloud (platform REST v3 and v2, Service Management, admin webhooks).

`create_app(seed)` returns the ASGI app; `serve(port, seed)` runs it with uvicorn. See docs/sims/jira.md.
"""

from __future__ import annotations

from hirebridge.sims.jira.app import create_app, serve

__all__ = ["create_app", "serve"]
