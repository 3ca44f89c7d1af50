"""The systemd units, Dockerfile and compose file run commands and options the CLI has, build the wheel
the way the packaging test does, and name only settings the service reads; systemd checks the units."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
import typer
from deploy_support import DEPLOY
from ruamel.yaml import YAML

from hirebridge.cli import app

ROOT = DEPLOY.parent
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
COMPOSE = DEPLOY / "docker" / "compose.yaml"


def exec_start(unit: Path) -> list[str]:
    [line] = [line for line in unit.read_text().splitlines() if line.startswith("ExecStart=")]
    return shlex.split(line.removeprefix("ExecStart="))


def dockerfile_json(instruction: str) -> list[str]:
    [line] = [line for line in DOCKERFILE.read_text().splitlines() if line.startswith(f"{instruction} ")]
    return list(json.loads(line.removeprefix(f"{instruction} ")))


def commands() -> list[list[str]]:
    found = [exec_start(unit)[1:] for unit in UNITS]
    assert all(exec_start(unit)[0] == "/opt/hirebridge/bin/hirebridge" for unit in UNITS)
    assert dockerfile_json("ENTRYPOINT") == ["hirebridge"]
    found.append(dockerfile_json("CMD"))
    compose = YAML(typ="safe").load(COMPOSE.read_text())
    found += [service["command"] for name, service in compose["services"].items() if name != "postgres"]
    return found


def test_every_command_is_one_the_cli_takes() -> None:
    cli = typer.main.get_command(app)
    found = commands()
    assert {c[0] for c in found} == {"serve", "worker"}
    for name, *args in found:
        command = cli.commands[name]
        try:
            command.make_context(name, list(args), resilient_parsing=False)
        except Exception as exc:  # the parser's usage error
            pytest.fail(f"`hirebridge {name} {' '.join(args)}`: {exc}")


def test_compose_runs_postgresql_the_service_and_two_workers() -> None:
    services = YAML(typ="safe").load(COMPOSE.read_text())["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["serve"]["command"][0] == "serve" and services["serve"]["build"]["context"] == "../.."
    assert services["worker"]["command"] == ["worker"] and services["worker"]["deploy"]["replicas"] == 2
    for name in ("serve", "worker"):
        assert services[name]["environment"]["HIREBRIDGE_DATABASE_URL"].endswith("@postgres:5432/hirebridge")


def test_the_image_builds_the_wheel_as_the_packaging_test_does() -> None:
    assert "pip wheel --no-deps --wheel-dir /dist ." in DOCKERFILE.read_text()
    assert '"wheel", "--no-deps"' in (Path(__file__).parent / "test_wheel.py").read_text()


def test_deploy_files_name_only_settings_the_service_reads() -> None:
    read = set(re.findall(r"HIREBRIDGE_[A-Z_]+", " ".join(p.read_text() for p in _sources())))
    named = {
        n for p in DEPLOY.rglob("*") if p.is_file() for n in re.findall(r"HIREBRIDGE_[A-Z_]+", p.read_text())
    }
    assert named and named <= read, sorted(named - read)


def _settings(files: Iterable[Path]) -> set[str]:
    return {name for f in files for name in re.findall(r"HIREBRIDGE_[A-Z_]+", f.read_text())}


def _sources() -> list[Path]:
    return [*(ROOT / "src" / "hirebridge").rglob("*.py"), *(ROOT / "examples").glob("*.yaml")]


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here: the units were not verified")
    hirebridge = Path(sys.executable).parent / "hirebridge"
    for unit in UNITS:  # the binary must exist: point at this environment's
        text = unit.read_text().replace("/opt/hirebridge/bin/hirebridge", str(hirebridge))
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run(
        [analyze, "verify", "--man=no", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stdout + done.stderr
