"""Console passwords: argon2id (memory-hard), with argon2-cffi's RFC 9106 low-memory profile."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hirebridge.errors import HirebridgeError

MIN_LENGTH = 12
MAX_LENGTH = 1024
_HASHER = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4
# Verified against when an account does not exist, so a wrong address costs as long as a wrong password.
_DUMMY = _HASHER.hash("not a password of anyone")


class WeakPassword(HirebridgeError):
    """The password is too short: use at least 12 characters (a passphrase is fine)."""


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword()
    return _HASHER.hash(password[:MAX_LENGTH])


def verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored`; takes as long when there is no stored hash."""
    try:
        return _HASHER.verify(stored or _DUMMY, password[:MAX_LENGTH]) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """A hash made with weaker parameters than today's: replaced at the next sign-in."""
    return _HASHER.check_needs_rehash(stored)
