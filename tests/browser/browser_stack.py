"""What the browser tests drive: Debian's chromium through its chromedriver (never a downloaded
browser), and `hirebridge users add` as an operator runs it; the service runs against the session's
simulators (tests/simulators.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService

CHROMIUM = os.environ.get("HIREBRIDGE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("HIREBRIDGE_CHROMEDRIVER", "/usr/bin/chromedriver")
INSTALL_HINT = (
    "the browser tests need Debian's chromium and chromium-driver: "
    "`apt-get install -y chromium chromium-driver` (make test installs them when run as root), "
    "or point HIREBRIDGE_CHROMIUM and HIREBRIDGE_CHROMEDRIVER at a chromium and its driver"
)
ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
)


def browser() -> webdriver.Chrome:
    """A headless chromium; fails (does not skip) with how to install it when it is missing."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).exists() or shutil.which(p))]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} not found: {INSTALL_HINT}")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ARGS:
        options.add_argument(arg)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for a browser online
    driver = webdriver.Chrome(options=options, service=DriverService(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(0)
    return driver


def users_add(env: dict[str, str], email: str, role: str, password: str) -> None:
    """`hirebridge users add`, the password on standard input, as an operator would."""
    done = subprocess.run(
        [sys.executable, "-m", "hirebridge", "users", "add", email, "--role", role],
        input=password + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"added {email} as {role}" in done.stdout


def until(condition: Callable[[], Any], *, timeout: float = 30.0, what: str, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def jira_issues(jira_url: str, jql: str, auth: tuple[str, str]) -> list[dict[str, Any]]:
    response = httpx2.post(
        f"{jira_url}/rest/api/3/search/jql",
        auth=auth,
        json={"jql": jql, "fields": ["summary"], "maxResults": 100},
        timeout=10,
    )
    response.raise_for_status()
    return list(response.json()["issues"])
