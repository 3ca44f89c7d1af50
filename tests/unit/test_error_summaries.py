"""What logs may say of an error: the summary, never the external system's own words, which may quote
candidate data back (Jira: "The label 'Ada Lindqvist' contains spaces which is invalid.")."""

from __future__ import annotations

import logging
import sys

import httpx2

from hirebridge.connectors.errors import Rejected, ServiceUnavailable, error_from_response
from hirebridge.errors import loggable
from hirebridge.logging_setup import SummariseConnectorErrors

ECHO = "The label 'Ada Lindqvist' contains spaces which is invalid."


def refused() -> Rejected:
    request = httpx2.Request("POST", "https://jira.example/rest/api/3/issue")
    response = httpx2.Response(400, json={"errorMessages": [], "errors": {"labels": ECHO}}, request=request)
    error = error_from_response("jira", response)
    assert isinstance(error, Rejected)
    return error


def test_a_refusal_keeps_jiras_words_for_the_store_and_logs_only_its_summary() -> None:
    error = refused()
    assert ECHO in error.message  # what is parked, for the operator
    assert error.summary == "jira answered 400 to POST /rest/api/3/issue" == loggable(error)
    assert loggable(ServiceUnavailable("lever unreachable: connection refused")) == (
        "lever unreachable: connection refused"  # hirebridge's own words are their own summary
    )
    assert loggable(ValueError("bad")) == "ValueError: bad"


def _record(exc: BaseException) -> logging.LogRecord:
    try:
        raise exc
    except BaseException:
        info = sys.exc_info()
    return logging.LogRecord(
        "procrastinate.worker", logging.ERROR, __file__, 1, "Job %s failed", ("j1",), info
    )


def test_a_log_record_carrying_a_connector_error_keeps_only_its_summary() -> None:
    try:
        raise refused()
    except Rejected as cause:
        wrapped = RuntimeError("reconcile failed")
        wrapped.__cause__ = cause
    record = _record(wrapped)
    assert SummariseConnectorErrors().filter(record)
    text = logging.Formatter().format(record)
    assert "Ada" not in text and record.exc_info is None
    assert text == (
        "Job j1 failed (RuntimeError: reconcile failed; jira answered 400 to POST /rest/api/3/issue)"
    )


def test_other_exceptions_keep_their_traceback() -> None:
    record = _record(KeyError("missing"))
    assert SummariseConnectorErrors().filter(record)
    assert record.exc_info is not None and "Traceback" in logging.Formatter().format(record)
