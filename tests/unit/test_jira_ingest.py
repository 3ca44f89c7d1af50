"""Jira webhook ingest and inbound reading: signatures, event parsing, own writes, watched issues."""

from __future__ import annotations

from hirebridge.domain.effects import EffectRecord
from hirebridge.domain.signature import hub_signature, verify_hub_signature
from hirebridge.domain.subjects import Subject, carries_marker, effect_marker
from hirebridge.runtime.effect_context import with_marker
from hirebridge.runtime.inbound import _comment_items, _resolution_item, watched_issues
from hirebridge.web.jira_ingest import own_write, parse_event

BODY = b'{"webhookEvent":"comment_created"}'


def test_hub_signature_verifies_only_the_exact_body_and_secret() -> None:
    header = hub_signature("s3cret", BODY)
    assert header.startswith("sha256=") and verify_hub_signature("s3cret", BODY, header)
    assert verify_hub_signature("s3cret", BODY, header.upper().replace("SHA256=", "sha256="))
    assert not verify_hub_signature("other", BODY, header)
    assert not verify_hub_signature("s3cret", BODY + b" ", header)
    assert not verify_hub_signature("s3cret", BODY, header.replace("sha256=", "sha1="))
    assert not verify_hub_signature("s3cret", BODY, "sha256=")
    assert not verify_hub_signature("s3cret", BODY, "garbage\u00e9")


def test_parse_event_keeps_ids_only_and_names_what_is_malformed() -> None:
    payload = {
        "webhookEvent": "comment_created",
        "issue": {"id": 10001, "key": "HIRE-2", "fields": {"summary": "x"}},
        "comment": {"id": "77", "body": "Feedback: private words"},
    }
    event = parse_event(payload, "main", "ident-1")
    assert not isinstance(event, str)
    assert (event.issue_id, event.issue_key, event.comment_id, event.identifier) == (
        "10001",
        "HIRE-2",
        "77",
        "ident-1",
    )
    assert "private" not in repr(event)
    assert parse_event([], "main", "i") == "the body must be a JSON object"
    assert parse_event({"issue": {}}, "main", "i") == "missing field 'webhookEvent'"
    assert (
        parse_event({"webhookEvent": "x", "issue": "HIRE-1"}, "main", "i")
        == "field 'issue' must be an object"
    )


def test_own_writes_are_recognised_by_marker_or_account() -> None:
    marker = effect_marker(Subject("main", "opportunity", "o1"), "interviews", "ask")
    ours = {
        "webhookEvent": "comment_created",
        "comment": {"body": with_marker("Feedback: write yours", marker)},
    }
    theirs = {"webhookEvent": "comment_created", "comment": {"body": "Feedback: great"}}
    assert own_write(ours, None) and not own_write(theirs, None)
    by_us = {"webhookEvent": "jira:issue_updated", "user": {"accountId": "bot"}}
    assert own_write(by_us, "bot") and not own_write(by_us, "someone-else")
    # A comment by a person raises an issue update under their name: never ours.
    assert not own_write({**theirs, "user": {"accountId": "bot"}}, "bot")
    assert carries_marker(with_marker("x", marker)) and not carries_marker("(hirebridge ref hb-nope)")


def _record(key: str, external_key: str, *, kind: str = "jira_issue", status: str = "") -> EffectRecord:
    return EffectRecord(
        recipe="interviews",
        key=key,
        kind=kind,
        target="jira:main",
        marker="m",
        state="done",
        external_key=external_key,
        status=status,
    )


def test_watched_issues_are_the_sources_items_only() -> None:
    effects = {
        ("interviews", "hiring-epic"): _record("hiring-epic", "HIRE-1"),
        ("interviews", "interview:erin"): _record("interview:erin", "HIRE-2"),
        ("interviews", "interview:hank"): _record("interview:hank", "HIRE-3", status="Cancelled"),
        ("interviews", "interviewer-note"): _record("interviewer-note", "", kind="lever_note"),
        ("other", "interview"): _record("interview", "HIRE-9"),
    }
    watched = watched_issues([("interviews", "interview", "comment")], effects)
    assert [(w.key, w.needs, w.own_status) for w in watched] == [
        ("HIRE-2", {"comment"}, ""),
        ("HIRE-3", {"comment"}, "Cancelled"),
    ]


def test_comments_hirebridge_wrote_are_left_out() -> None:
    marker = effect_marker(Subject("main", "opportunity", "o1"), "interviews", "interview:erin")
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": "Feedback: yes"}]}
    adf = {"type": "doc", "version": 1, "content": [paragraph]}
    comments = [
        {"id": "1", "author": {"displayName": "Erin Engineer"}, "body": adf},
        {"id": "2", "author": {"displayName": "Sim Admin"}, "body": with_marker("Feedback: no", marker)},
    ]
    items = _comment_items("HIRE-2", comments)
    assert [(i.id, i.author, i.text) for i in items] == [("1", "Erin Engineer", "Feedback: yes")]


def test_a_resolution_is_a_done_status_hirebridge_did_not_set() -> None:
    watched = watched_issues(
        [("interviews", "equipment", "resolved")],
        {("interviews", "equipment"): _record("equipment", "ITSD-1", kind="jsm_request", status="Declined")},
    )[0]

    def issue(name: str, category: str) -> dict[str, object]:
        return {"id": "1", "fields": {"status": {"name": name, "statusCategory": {"key": category}}}}

    resolved = _resolution_item(watched, issue("Resolved", "done"))
    assert resolved is not None and (resolved.issue_key, resolved.status) == ("ITSD-1", "Resolved")
    assert _resolution_item(watched, issue("Declined", "done")) is None  # hirebridge's own close
    assert _resolution_item(watched, issue("In progress", "indeterminate")) is None
