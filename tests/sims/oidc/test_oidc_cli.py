from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_serves_the_provider_with_its_redirect_uri() -> None:
    port, callback = free_port(), "http://127.0.0.1:9/console/oidc/callback"
    command = [
        sys.executable,
        "-m",
        "hirebridge",
        "sim",
        "oidc",
        "--port",
        str(port),
        "--redirect-uri",
        callback,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith(f"OpenID Connect simulator, issuer http://127.0.0.1:{port} ")
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            for _ in range(100):
                try:
                    discovery = client.get("/.well-known/openid-configuration").json()
                    break
                except httpx2.TransportError:
                    time.sleep(0.05)
            assert discovery["issuer"] == f"http://127.0.0.1:{port}"
            params = {"client_id": "sim-oidc-client", "response_type": "code", "scope": "openid"}
            registered = client.get("/authorize", params={**params, "redirect_uri": callback})
            other = client.get("/authorize", params={**params, "redirect_uri": "http://127.0.0.1:9/x"})
        assert registered.status_code == 302 and registered.headers["location"].startswith(callback)
        assert other.status_code == 400
    finally:
        process.terminate()
        process.wait(timeout=10)
