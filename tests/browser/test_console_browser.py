"""The console in a real browser against the real service and simulators: sign in, find a candidate
by name, read the timeline, see that a viewer cannot retry, retry a parked effect and see it done.
Screenshots of the main pages land in docs/screenshots/."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import psycopg
import pytest
from browser_stack import browser, jira_issues, until, users_add
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from hirebridge.demo.processes import ManagedProcess, free_port
from hirebridge.sims.lever.company import AE_POSTING, BACKEND_POSTING, RITA
from hirebridge.store.database import ensure_database, with_database
from simulators import Simulators

pytestmark = pytest.mark.e2e
# The docs' screenshots are refreshed with HIREBRIDGE_SCREENSHOTS=docs/screenshots; otherwise they go to
# a temporary folder, so a test run leaves the work tree as it was.
SHOTS = Path(os.environ.get("HIREBRIDGE_SCREENSHOTS") or tempfile.mkdtemp(prefix="hirebridge-screens-"))
PASSWORD = "a long console passphrase"
JIRA_AUTH = ("admin@example.com", "sim-token")
RECRUITER_KEY = "sim-lever-recruiter-key"
CONFIG = """
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}", workers: 2}
lever:
  main: {base_url: "${LEVER_BASE_URL}", api_key: sim-lever-key, sweep_interval_seconds: 3600}
jira:
  main: {base_url: "${JIRA_BASE_URL}", email: admin@example.com, api_token: sim-token,
         search_consistency_seconds: 1}
console: {password_memory_kib: 19456, password_time_cost: 2, password_parallelism: 1}
recipes:
  - name: onboarding
    when: {stage_reached: Offer}
    allow: [candidate.name, posting]
    actions:
      - id: epic
        jira_issue:
          project: ONB
          type: Epic
          summary: "Onboarding {{ candidate.name }}"
          # Jira's Team field has no "Platform" option until the admin adds it: a 400 for that team.
          fields: {Team: "{{ posting.team }}"}
"""


@dataclass
class Stack:
    url: str
    lever_url: str
    jira_url: str
    database_url: str
    refused: str  # the opportunity whose epic Jira refused


def _parked(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM effects WHERE state = 'failed'").fetchone()
    return int(row[0]) if row else 0


def _candidate(lever_url: str, name: str, posting: str) -> str:
    made = httpx2.post(
        f"{lever_url}/v1/opportunities",
        params={"perform_as": RITA},
        auth=(RECRUITER_KEY, ""),
        json={"name": name, "postings": [posting], "stage": "applicant-new"},
        timeout=10,
    )
    made.raise_for_status()
    opportunity = str(made.json()["data"]["id"])
    httpx2.put(
        f"{lever_url}/v1/opportunities/{opportunity}/stage",
        auth=(RECRUITER_KEY, ""),
        json={"stage": "offer"},
        timeout=10,
    ).raise_for_status()
    return opportunity


@pytest.fixture(scope="module")
def stack(pg_admin_uri: str, pg_template: str, simulators: Simulators) -> Iterator[Stack]:
    """`hirebridge serve` against the session's simulators, reset for this module (its tests run one
    after the other, so no other test resets them meanwhile)."""
    logs = Path(tempfile.mkdtemp(prefix="hirebridge-browser-"))
    name = f"hb_browser_{uuid.uuid4().hex[:10]}"
    ensure_database(pg_admin_uri, name, template=pg_template)
    database_url = with_database(pg_admin_uri, name)
    simulators.faults()
    simulators.reset()
    lever_url, jira_url = simulators.lever_url, simulators.jira_url
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    (logs / "hirebridge.yaml").write_text(CONFIG)
    env = {
        "HIREBRIDGE_DATABASE_URL": database_url,
        "HIREBRIDGE_PUBLIC_URL": url,
        "HIREBRIDGE_SECRET_KEY": "browser-test-secret",
        "LEVER_BASE_URL": lever_url,
        "JIRA_BASE_URL": jira_url,
        "HIREBRIDGE_CONFIG": str(logs / "hirebridge.yaml"),
    }
    service = ManagedProcess(f"service-{port}", ["serve", "--port", str(port)], env=env, log_dir=logs)
    try:
        service.wait_http(f"{url}/readyz")
        until(lambda: httpx2.get(f"{url}/readyz", timeout=2).json().get("webhooks"), what="webhooks")
        for email, role in (("olive@example.com", "operator"), ("victor@example.com", "viewer")):
            users_add(env, email, role, PASSWORD)
        refused = _candidate(lever_url, "Chen Wei", BACKEND_POSTING)  # team Platform: Jira refuses
        _candidate(lever_url, "Dana Kowalski", AE_POSTING)
        until(lambda: _parked(database_url), what="the parked effect")
        yield Stack(url, lever_url, jira_url, database_url, refused)
    finally:
        service.stop()
        with psycopg.connect(pg_admin_uri, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(logs, ignore_errors=True)


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    chromium = browser()
    yield chromium
    chromium.quit()


def sign_in(driver: WebDriver, stack: Stack, email: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{stack.url}/console")
    assert "/console/sign-in" in driver.current_url
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    until(lambda: driver.find_elements(By.CSS_SELECTOR, "form.who"), what="signed in", timeout=15)
    assert email in driver.find_element(By.CSS_SELECTOR, "form.who").text


UNLABELLED = """return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.outerHTML);"""


def shoot(driver: WebDriver, name: str) -> None:
    """A screenshot for the docs; every page shot is also checked for landmarks and labelled inputs."""
    assert driver.find_elements(By.CSS_SELECTOR, "main#main"), name
    assert driver.execute_script(UNLABELLED) == [], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def test_a_viewer_sees_the_failure_but_cannot_retry_it(driver: WebDriver, stack: Stack) -> None:
    driver.get(f"{stack.url}/console/sign-in")
    shoot(driver, "sign-in")
    assert driver.switch_to.active_element.get_attribute("id") == "email"  # typing can start at once
    sign_in(driver, stack, "victor@example.com")
    driver.get(f"{stack.url}/console/failures")
    assert "onboarding/epic" in driver.page_source
    ActionChains(driver).send_keys(Keys.TAB).perform()  # the keyboard reaches "skip to content" first
    assert (driver.switch_to.active_element.get_attribute("href") or "").endswith("#main")
    assert not driver.find_elements(By.CSS_SELECTOR, "form[action='/console/failures/retry'] button")
    # Forging the request with the viewer's own session and CSRF token is refused too.
    token = driver.find_element(By.CSS_SELECTOR, "form.who input[name=csrf]").get_attribute("value")
    status = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/console/failures/retry', {method: 'POST', body: 'effect=1', headers: {"
        "'X-CSRF-Token': arguments[0], 'Content-Type': 'application/x-www-form-urlencoded'}})"
        ".then(r => done(r.status));",
        token,
    )
    assert status == 403
    assert _parked(stack.database_url) == 1


def test_an_operator_finds_the_candidate_reads_why_and_retries_the_parked_effect(
    driver: WebDriver, stack: Stack
) -> None:
    sign_in(driver, stack, "olive@example.com")
    shoot(driver, "overview")
    driver.find_element(By.LINK_TEXT, "Candidates & requisitions").click()
    box = driver.find_element(By.ID, "q")
    box.send_keys("chen")
    box.submit()
    until(lambda: driver.find_elements(By.LINK_TEXT, "Chen Wei"), what="the search result")
    shoot(driver, "search")
    driver.find_element(By.LINK_TEXT, "Chen Wei").click()
    until(lambda: "Why each recipe applied" in driver.page_source, what="the timeline")
    timeline = driver.find_element(By.ID, "main").text
    assert "Chen Wei" in timeline and "onboarding" in timeline and "failed" in timeline
    shoot(driver, "timeline")

    # The Jira admin adds the missing option; the operator retries from the failures page.
    seed = httpx2.get(f"{stack.jira_url}/_sim/seed", timeout=10).json()
    next(f for f in seed["fields"] if f["name"] == "Team")["options"].append("Platform")
    httpx2.post(f"{stack.jira_url}/_sim/seed", json=seed, timeout=10).raise_for_status()
    driver.find_element(By.LINK_TEXT, "Failures").click()
    shoot(driver, "failures")
    driver.find_element(By.CSS_SELECTOR, "form[action='/console/failures/retry'] button").click()
    assert "queued again" in driver.find_element(By.CSS_SELECTOR, "p[role=status]").text

    def done() -> bool:
        driver.refresh()
        return "Nothing is parked." in driver.page_source

    until(done, what="the retried effect done", every=0.5)
    epics = jira_issues(stack.jira_url, "project = ONB", JIRA_AUTH)
    assert [e["fields"]["summary"] for e in epics].count("Onboarding Chen Wei") == 1
    driver.get(f"{stack.url}/console/subjects/main/opportunity/{stack.refused}")
    assert "done" in driver.find_element(By.ID, "main").text
    for page in ("recipes", "packets"):
        driver.get(f"{stack.url}/console/{page}")
        shoot(driver, page)
