"""`python -m hirebridge sim lever` starts a working simulator."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx2
from lever_helpers import free_port

from hirebridge.sims.lever.company import default_company


def test_cli_starts_the_simulator_from_a_seed_file(tmp_path):
    seed = default_company()
    seed["api_keys"] = [{"key": "seeded-key", "user": seed["users"][0]["id"]}]
    seed_file = tmp_path / "lever.json"
    seed_file.write_text(json.dumps(seed))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hirebridge", "sim", "lever", "--port", str(port), "--seed", str(seed_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}" in line and "seeded-key" in line
        deadline = time.monotonic() + 10
        while True:
            try:
                response = httpx2.get(
                    f"http://127.0.0.1:{port}/v1/stages", auth=("seeded-key", ""), timeout=2
                )
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline, "simulator did not start"
                time.sleep(0.05)
        assert response.status_code == 200
        assert response.json()["data"][0] == {"id": "lead-new", "text": "New Lead"}
    finally:
        process.terminate()
        process.communicate(timeout=10)
