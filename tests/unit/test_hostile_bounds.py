"""The bounds hostile input meets before anything else: body nesting, id shapes, log records."""

from __future__ import annotations

import logging

import pytest

from hirebridge.domain.subjects import is_jira_id, is_jira_key, is_lever_id
from hirebridge.logging_setup import MAX_TRACEBACK_CHARS, configure_logging
from hirebridge.web.bodies import BadBody, nests_deeper, parse_json


def test_nesting_is_measured_outside_strings() -> None:
    assert nests_deeper(b"[" * 65 + b"]" * 65, 64)
    assert not nests_deeper(b"[" * 64 + b"]" * 64, 64)
    assert not nests_deeper(b'["' + b"[" * 5000 + b'"]', 64)  # brackets inside a string
    assert not nests_deeper(b'["\\"' + b"[" * 5000 + b'"]', 64)  # an escaped quote does not end it
    assert nests_deeper(b'{"a":' * 100 + b"1" + b"}" * 100, 64)
    assert not nests_deeper(b"[1]" * 10_000, 64)  # many, but side by side


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 1000, "nested deeper than 64 levels"),
        (b"[" * 100_000, "nested deeper than 64 levels"),
        (b"{not json", "malformed JSON"),
        (b"\xff\xfe", "malformed JSON"),
    ],
)
def test_parse_json_refuses_with_a_reason(body: bytes, message: str) -> None:
    with pytest.raises(BadBody) as caught:
        parse_json(body)
    assert message in str(caught.value) and caught.value.status == 400


def test_ids_have_the_vendors_shapes() -> None:
    assert is_lever_id("0f925702-905a-4b20-90d9-0fcbc147951b")
    for bad in ("x" * 200_000, "0f925702-905a-4b20-90d9-0fcbc147951b\n", "a\u0000b", "", 7, None, "../x"):
        assert not is_lever_id(bad)
    assert is_jira_id("10001") and not is_jira_id("1\u00000") and not is_jira_id("1" * 40)
    assert is_jira_key("HIRE-12") and not is_jira_key("HIRE-12; DROP") and not is_jira_key("12")


def test_a_log_record_is_bounded_and_shows_no_variables(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("INFO")
    try:

        def send(json: dict[str, str], data: str) -> None:
            raise ValueError("refused: " + data)

        # Built at run time, so that only a frame's variables could show them (source lines are shown).
        candidate = {"name": "".join(["Ad", "a Lo", "velace"]), "email": "@".join(["ada", "example.com"])}
        try:
            send(candidate, "x" * 200_000)
        except ValueError:
            logging.getLogger("hirebridge.test").exception("write failed")
        logging.getLogger("hirebridge.test").warning("long value %s", "y" * 100_000)
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    err = capsys.readouterr().err
    assert "write failed" in err and "Traceback" in err and "ValueError" in err
    assert "Ada Lovelace" not in err and "ada@example.com" not in err  # locals are never shown
    assert len(err) < MAX_TRACEBACK_CHARS + 2 * 2_000 + 1_000
