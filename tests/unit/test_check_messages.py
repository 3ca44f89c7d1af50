"""`hirebridge check` messages: the file's own problems, and references judged against a site.

The site here is a catalog written by hand (what `check` reads from Lever and Jira); the same checks
run against the simulators in tests/e2e/test_check_plan.py.
"""

from __future__ import annotations

from pathlib import Path

from hirebridge.domain.effects import DesiredIssue, IssueContent, refs_from
from hirebridge.domain.plan import CreateIssue, plan
from hirebridge.domain.simulate import DryLedger
from hirebridge.runtime.verify import Finding, check, load_for_check
from hirebridge.runtime.verify_judge import JiraCatalog, LeverCatalog, closest, judge_jira, judge_lever
from hirebridge.runtime.verify_refs import literal_values, references

ENV = {"LEVER_API_KEY": "k", "JIRA_API_TOKEN": "t"}
BASE = """\
version: 1
lever:
  main: {api_key: "${LEVER_API_KEY}", perform_as: rita@example.com}
jira:
  main: {base_url: "http://jira.invalid", email: a@example.com, api_token: "${JIRA_API_TOKEN}"}
lookups:
  priority: {High: Highest, Normal: Urgent}
recipes:
"""
RECIPE = """\
  - name: onboarding
    when: {stage_reached: Backgrund Check, archive_reasons: [Hired]}
    allow: [candidate.name, posting, hiring_manager]
    actions:
      - id: epic
        jira_issue:
          project: ONB
          type: Epic
          summary: "Onboarding: {{ candidate.name }}"
          assignee: ivy@example.com
          priority: "{{ lookups.priority.get(posting.team, 'Medium') }}"
          status: Waiting
          fields: {Team: Engneering, Start date: "{{ posting.title }}"}
"""
LEVER = LeverCatalog(
    stages=["New Applicant", "Background Check", "Offer"],
    archive_reasons=["Hired", "Withdrew"],
    user_emails=["rita@example.com"],
)
JIRA = JiraCatalog(
    projects={"ONB": "Onboarding", "HC": "Headcount"},
    issue_types={"ONB": {"Epic": 1, "Task": 0}},
    create_fields={
        ("ONB", "Epic"): {
            "team": {"id": "customfield_1", "name": "Team", "allowed": ["Engineering", "IT"]},
            "customfield_1": {"id": "customfield_1", "name": "Team", "allowed": ["Engineering", "IT"]},
            "assignee": {"id": "assignee", "name": "Assignee", "allowed": None},
            "priority": {"id": "priority", "name": "Priority", "allowed": None},
        }
    },
    field_names=["Team", "Start date", "Assignee", "Priority", "customfield_1"],
    priorities=["Highest", "High", "Medium", "Low"],
    statuses={("ONB", "Epic"): ["To Do", "In Progress", "Done", "Cancelled"]},
    accounts={"ivy@example.com": False},
    user_hints={"ivy@example.com": ["'Ivy IT' (accountId 5b10ac8d82e05b22cc7d4e07)"]},
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hirebridge.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def messages(tmp_path: Path) -> list[str]:
    config, locator, findings = load_for_check(write(tmp_path, BASE + RECIPE), ENV)
    assert config is not None and locator is not None and findings == []
    out = []
    for ref in references(config):
        judge = judge_lever if ref.connection.startswith("lever:") else judge_jira
        message = judge(ref, LEVER if judge is judge_lever else JIRA)  # type: ignore[operator]
        if message:
            line, column = locator.position(ref.loc)
            out.append(f"{line}:{column} {ref.recipe}/{ref.action}: {message}")
    return out


def test_unknown_stage_names_the_closest_real_stage_and_the_line(tmp_path: Path) -> None:
    found = [m for m in messages(tmp_path) if "stage" in m]
    assert found == [
        "10:12 onboarding/None: Lever has no stage 'Backgrund Check'; did you mean 'Background Check'?"
    ]


def test_jira_references_are_judged_with_closest_names(tmp_path: Path) -> None:
    found = messages(tmp_path)
    assert any("'Urgent' (from lookup table 'priority')" in m and "'High'" in m for m in found)
    assert any(
        m.startswith("20:11 onboarding/epic") and "no status 'Waiting'" in m and "'To Do'" in m for m in found
    )
    assert any(
        "'Engneering' is not an option of field 'Team'; did you mean 'Engineering'?" in m for m in found
    )
    assert any("'Start date' is not on the create screen of ONB Epic" in m for m in found)
    ivy = next(m for m in found if "'ivy@example.com'" in m)
    assert "Jira finds no user with the email 'ivy@example.com'" in ivy
    assert "hides their email" in ivy and "write their accountId instead" in ivy
    assert "jira.main.users" in ivy and "'Ivy IT' (accountId 5b10ac8d82e05b22cc7d4e07)" in ivy
    # The lookup's default and its good values pass.
    assert not any("priority 'Medium'" in m or "priority 'Highest'" in m for m in found)


def test_unknown_project_suggests_keys_and_names() -> None:
    config_free = closest("ONBX", ["ONB", "HC", "Onboarding"], what="projects")
    assert config_free == "did you mean 'ONB'?"
    assert closest("Zzz", ["ONB", "HC"], what="projects") == "projects: 'ONB', 'HC'"


def test_literal_values_follow_lookup_tables_and_defaults() -> None:
    lookups = {"status": {"open": "Open", "closed": "Closed"}}
    assert literal_values("Done", lookups) == [("Done", None)]
    assert literal_values("{{ lookups.status[requisition.status] }}", lookups) == [
        ("Open", "lookup table 'status'"),
        ("Closed", "lookup table 'status'"),
    ]
    assert ("Cancelled", "the template's default") in literal_values(
        "{{ lookups.status[x] | default('Cancelled') }}", lookups
    )
    # Anything else is only known when it runs.
    assert literal_values("{{ posting.team }}", lookups) == []
    assert literal_values("Team {{ lookups.status[x] }}", lookups) == []


def test_template_reading_a_field_the_recipe_does_not_allow(tmp_path: Path) -> None:
    text = BASE + RECIPE.replace('"Onboarding: {{ candidate.name }}"', '"{{ candidate.phones[0] }}"')
    findings = _run(write(tmp_path, text))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.level == "error" and finding.where.endswith("hirebridge.yaml:17:11")
    assert (finding.recipe, finding.action) == ("onboarding", "epic")
    assert "'candidate.phones" in finding.message and "sensitive" in finding.message


def test_unknown_key_is_reported_with_position_and_suggestion(tmp_path: Path) -> None:
    findings = _run(write(tmp_path, BASE + RECIPE.replace("summary:", "sumary:")))
    assert any("unknown key 'sumary'; did you mean 'summary'?" in f.message for f in findings)
    assert all(f.recipe == "onboarding" for f in findings)


def test_privacy_opt_ins_are_reported_but_do_not_fail(tmp_path: Path) -> None:
    text = BASE + RECIPE.replace(
        "allow: [candidate.name, posting, hiring_manager]",
        "allow: [candidate.name, posting, hiring_manager, candidate.emails, offer.salary_amount]",
    ).replace("assignee: ivy@example.com", 'assignee: "{{ candidate.emails[0] }}"')
    findings = _run(write(tmp_path, text))
    assert [f.level for f in findings] == ["info", "info"]
    assert "personal contact data: 'candidate.emails'" in findings[0].message
    assert "compensation: 'offer.salary_amount'" in findings[1].message


def _run(path: Path) -> list[Finding]:
    import asyncio
    import os

    os.environ.update({k: v for k, v in ENV.items() if k not in os.environ})
    return asyncio.run(check(path, offline=True))


def test_dry_ledger_records_placeholders_later_rounds_can_refer_to() -> None:
    content = IssueContent("ONB", "Epic", "Onboarding", None, None, ("onboarding",))
    ledger = DryLedger({}, browse_urls={"main": "https://jira.example/"})
    epic = DesiredIssue("onboarding", "epic", "main", None, content=content)
    child = DesiredIssue("onboarding", "laptop", "main", None, content=content, parent_key="epic")
    first = ledger.apply([CreateIssue(epic)])
    second = ledger.apply([CreateIssue(child)])
    assert [(w.op, w.ref) for w in first + second] == [("create", "ONB-NEW1"), ("create", "ONB-NEW2")]
    assert second[0].detail["parent"] == "ONB-NEW1"
    refs = refs_from(ledger.rows("onboarding"))
    assert refs["epic"].url == "https://jira.example/browse/ONB-NEW1"
    # Planning again against the dry ledger: both exist now, nothing to do.
    assert plan([epic, child], ledger.rows("onboarding")) == []


def test_lever_connection_needs_one_way_to_authenticate(tmp_path: Path) -> None:
    both = BASE.replace('api_key: "${LEVER_API_KEY}"', "api_key: k, oauth: {client_id: c, client_secret: s}")
    _, _, findings = load_for_check(write(tmp_path, both + RECIPE), ENV)
    assert any(
        "needs exactly one of `api_key" in f.message and f.where.split(":")[1] == "3" for f in findings
    )


def test_oauth_without_a_secret_key_says_how_to_make_one(tmp_path: Path) -> None:
    oauth = BASE.replace('api_key: "${LEVER_API_KEY}"', "oauth: {client_id: c, client_secret: s}")
    _, _, findings = load_for_check(write(tmp_path, oauth + RECIPE), ENV)
    assert any(
        "HIREBRIDGE_SECRET_KEY is not set" in f.message and "token_urlsafe" in f.message for f in findings
    )
    _, _, findings = load_for_check(write(tmp_path, oauth + RECIPE), ENV | {"HIREBRIDGE_SECRET_KEY": "x"})
    assert findings == []


def test_console_sign_in_through_a_provider_without_a_secret_key_is_found_before_serve(
    tmp_path: Path,
) -> None:
    console = "console:\n  oidc: {issuer: https://id.example.com, client_id: c, client_secret: s}\n"
    _, _, findings = load_for_check(write(tmp_path, console + BASE + RECIPE), ENV)
    assert [f.message for f in findings if "HIREBRIDGE_SECRET_KEY is not set" in f.message] == [
        "HIREBRIDGE_SECRET_KEY is not set: sign-in through the identity provider seals its state cookie"
        " with it, so `serve` would not start. Set it to a long random string, e.g. the output of"
        " `python -c 'import secrets; print(secrets.token_urlsafe(32))'`, and keep it"
    ]
    assert [f.where.split(":")[1] for f in findings] == ["2"]
    _, _, findings = load_for_check(
        write(tmp_path, console + BASE + RECIPE), ENV | {"HIREBRIDGE_SECRET_KEY": "x"}
    )
    assert findings == []
    disabled = console.replace("console:\n", "console:\n  enabled: false\n")
    _, _, findings = load_for_check(write(tmp_path, disabled + BASE + RECIPE), ENV)
    assert findings == []
