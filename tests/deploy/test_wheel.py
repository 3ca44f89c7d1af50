"""The built wheel is the whole product: installed into a fresh virtual environment, away from the
source tree, `hirebridge serve` migrates its database, answers health and reports its metrics.

The wheel is built the way the Dockerfile builds it (`pip wheel --no-deps`) from a copy of the files
git knows, and installed without dependencies: the fresh environment borrows the test environment's
installed packages by path only, so the editable install of the source tree stays out of its reach.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import httpx2

ROOT = Path(__file__).parents[2]
CONFIG = """
version: 1
lever:
  main: {base_url: "http://127.0.0.1:9", api_key: "${LEVER_API_KEY}"}
jira:
  main: {base_url: "http://127.0.0.1:9", email: ops@example.com, api_token: "${JIRA_API_TOKEN}"}
recipes: []
"""


def run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, cwd=cwd, timeout=300)
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done.stdout


def build_wheel(tmp: Path) -> Path:
    source, dist = tmp / "source", tmp / "dist"
    files = run("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT)
    for name in filter(None, files.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", dist, source)
    [wheel] = dist.glob("hirebridge-*.whl")
    return wheel


def fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel)
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_wheel_serves_from_a_fresh_environment(tmp_path: Path, database_url: str) -> None:
    wheel = build_wheel(tmp_path)
    packaged = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("hirebridge/")}
    tracked = run("git", "ls-files", "src/hirebridge", cwd=ROOT).split()
    missing = {f.removeprefix("src/") for f in tracked} - packaged
    assert not missing, f"files of the package left out of the wheel: {sorted(missing)}"

    venv = fresh_venv(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "hirebridge.yaml").write_text(CONFIG)
    located = run(
        venv / "bin" / "python", "-c", "import hirebridge; print(hirebridge.__file__)", cwd=elsewhere
    )
    assert located.startswith(str(venv)), located

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIREBRIDGE_", "PYTHON"))}
    env |= {"HIREBRIDGE_DATABASE_URL": database_url, "LEVER_API_KEY": "k", "JIRA_API_TOKEN": "t"}
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [venv / "bin" / "hirebridge", "serve", "--config", "hirebridge.yaml", "--port", str(port)],
        cwd=elsewhere,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json() == {"status": "ok"}:
                    break
            except httpx2.TransportError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.1)
        metrics = httpx2.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        assert "hirebridge_database_up 1.0" in metrics  # the packaged queries ran on a migrated database
        assert 'hirebridge_subjects_behind{connection="main"} 0.0' in metrics
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        log.close()
