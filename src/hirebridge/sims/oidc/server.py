"""Runs the simulator under uvicorn for `hirebridge sim oidc`."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from hirebridge.sims.oidc.app import create_app
from hirebridge.sims.oidc.state import CLIENT_ID, CLIENT_SECRET


def serve(port: int, seed: Path | None = None, host: str = "127.0.0.1", redirect_uri: str = "") -> None:
    issuer = f"http://{host}:{port}"
    redirect = redirect_uri or "http://127.0.0.1:8100/console/oidc/callback"
    app = create_app(issuer, redirect_uris=[redirect])
    print(
        f"OpenID Connect simulator, issuer {issuer} (client {CLIENT_ID} / {CLIENT_SECRET}, "
        f"redirect_uri {redirect})",
        flush=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
