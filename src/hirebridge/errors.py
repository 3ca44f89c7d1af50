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
