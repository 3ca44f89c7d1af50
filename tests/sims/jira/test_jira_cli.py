from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx2
from jira_helpers import AUTH, free_port


def start(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "hirebridge", "sim", "jira", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"{url}/rest/api/3/serverInfo", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.05)
    raise AssertionError("simulator did not answer")


def test_cli_starts_simulator_with_seed(tmp_path: Path):
    seed = json.loads((Path(__file__).parents[3] / "src/hirebridge/sims/jira/default_site.json").read_text())
    seed["issues"] = [{"project": "ONB", "issuetype": "Epic", "summary": "From the seed file"}]
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    port = free_port()
    proc, line = start(["--port", str(port), "--seed", str(path)])
    try:
        url = f"http://127.0.0.1:{port}"
        assert line.strip() == f"Jira simulator on {url} (Basic admin@example.com / sim-token)"
        wait_ready(url)
        issue = httpx2.get(f"{url}/rest/api/3/issue/ONB-1", auth=AUTH).json()
        assert issue["fields"]["summary"] == "From the seed file"
        assert issue["self"] == f"{url}/rest/api/3/issue/{issue['id']}"
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
