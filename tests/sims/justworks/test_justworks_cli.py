from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import httpx2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_serves_the_simulator_over_http(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"company": {"id": "cmp_cli", "display_name": "Cli Co", "legal_name": "Cli Co",
                                            "departments": [], "offices": []}, "members": []}))  # fmt: skip
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "hirebridge",
        "sim",
        "justworks",
        "--port",
        str(port),
        "--seed",
        str(seed),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        credentials = "(client sim-justworks-client / sim-justworks-secret)"
        assert line.strip() == f"Justworks simulator on http://127.0.0.1:{port} {credentials}"
        base = f"http://127.0.0.1:{port}"
        with httpx2.Client(base_url=base, timeout=5) as client:
            for _ in range(100):
                try:
                    client.get("/_sim/state")
                    break
                except httpx2.TransportError:
                    time.sleep(0.05)
            redirect = "http://127.0.0.1:9/callback"
            params = {"response_type": "code", "client_id": "sim-justworks-client", "redirect_uri": redirect}
            location = client.get("/oauth/authorize", params=params).headers["location"]
            form = {
                "grant_type": "authorization_code",
                "code": location.split("code=")[1].split("&")[0],
                "redirect_uri": redirect,
                "client_id": "sim-justworks-client",
                "client_secret": "sim-justworks-secret",
            }
            token = client.post("/oauth/token", data=form).json()["access_token"]
            company = client.get("/v1/company", headers={"Authorization": f"Bearer {token}"}).json()
            assert company["display_name"] == "Cli Co"
    finally:
        process.terminate()
        process.communicate(timeout=10)
