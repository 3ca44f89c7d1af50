"""Tools the deployment tests run: promtool (Debian's `prometheus` package) is installed when missing
and the tests run as root on a machine with apt, as CI does; otherwise the tests fail and say how."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


@pytest.fixture(scope="session")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "prometheus"]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
            subprocess.run(install, env=env, capture_output=True)
        found = shutil.which("promtool")
    if found is None:
        pytest.fail(
            "promtool is not installed: install Debian's `prometheus` package (apt-get install prometheus) "
            "or Prometheus' release archive, or run the tests as root on a machine with apt"
        )
    return found
