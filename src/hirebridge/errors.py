"""The root of hirebridge's errors.

    HirebridgeError
    ├── ConfigError                (config/yamlsource.py)
    ├── SecretKeyMissing, SecretKeyWrong  (config/secret_key.py)
    ├── DatabaseError              (store/)
    │   └── UnstorableEvent        (runtime/ingest.py)
    └── ConnectorError             (connectors/errors.py)
        ├── TransientError         retried with backoff
        │   ├── RateLimited
        │   └── ServiceUnavailable
        └── PermanentError         parked with its reason until replayed
            ├── Unauthorized
            │   ├── NotConnected   (Lever OAuth: never connected)
            │   └── GrantRefused   (Lever OAuth: connect again)
            ├── NotFound
            └── Rejected

As in procrastinate, a class docstring is the default message of its instances.
"""

from __future__ import annotations


class HirebridgeError(Exception):
    """Something went wrong in hirebridge."""

    # What a log line says instead of the message, when the message may carry an external system's
    # own words (connectors/errors.py sets it); None: the message itself may be logged.
    summary: str | None = None

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())

    @property
    def message(self) -> str:
        return str(self.args[0])


class DatabaseError(HirebridgeError):
    """The database could not be reached or prepared."""


class UnstorableEvent(DatabaseError):
    """The database refuses this event's data (e.g. a NUL character in its JSON): sending it again
    cannot help."""


def loggable(exc: BaseException) -> str:
    """What a log line may say of an error: never an external system's own words (they may echo
    candidate data back); the full text stays where operators read it (the store, `status`)."""
    if isinstance(exc, HirebridgeError) and exc.summary is not None:
        return exc.summary
    return f"{type(exc).__name__}: {exc}"
