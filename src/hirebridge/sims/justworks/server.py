"""Runs the simulator under uvicorn for `hirebridge sim justworks`."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from hirebridge.sims.justworks.app import create_app
from hirebridge.sims.justworks.seed import CLIENT_ID, CLIENT_SECRET, load_seed_file


def serve(port: int, seed: Path | None, host: str = "127.0.0.1") -> None:
    app = create_app(load_seed_file(seed))
    print(
        f"Justworks simulator on http://{host}:{port} (client {CLIENT_ID} / {CLIENT_SECRET})",
        flush=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
