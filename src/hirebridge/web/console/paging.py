"""Query-string helpers shared by the console's list pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from starlette.requests import Request

from hirebridge.domain.subjects import Subject

KINDS = ("opportunity", "requisition")
MAX_PAGE = 10_000


def text_param(request: Request, name: str, *, limit: int = 200) -> str:
    """A query parameter as printable text: control characters dropped, trimmed, bounded."""
    raw = request.query_params.get(name, "")
    return "".join(c for c in raw if c.isprintable()).strip()[:limit]


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() else 1


def subject_of(request: Request) -> Subject | None:
    """The subject a path names, if its connection is a configured Lever connection."""
    params = request.path_params
    if params["kind"] not in KINDS or len(params["id"]) > 200:
        return None
    if params["connection"] not in request.app.state.config.lever:
        return None
    return Subject(params["connection"], params["kind"], params["id"])


def subject_path(subject: Subject) -> str:
    return f"/console/subjects/{subject.connection}/{subject.kind}/{subject.id}"


def day_range(request: Request, *, default_days: int = 7) -> tuple[date, date, datetime, datetime] | None:
    """The `start` and `end` days (inclusive, UTC) of an audit query, and the instants they span;
    None if a day is not a date or the end comes first."""
    today = datetime.now(UTC).date()
    try:
        first = date.fromisoformat(
            request.query_params.get("start") or str(today - timedelta(days=default_days))
        )
        last = date.fromisoformat(request.query_params.get("end") or str(today))
    except ValueError:
        return None
    if last < first:
        return None
    start = datetime.combine(first, time.min, UTC)
    return first, last, start, datetime.combine(last + timedelta(days=1), time.min, UTC)
