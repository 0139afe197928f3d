"""A throwaway PostgreSQL server on loopback for the test run.

Uses Debian's `postgresql` package (installed by .ci/run). As root, initdb refuses to
run, so the server runs as the `postgres` system user in a temporary folder it owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self, bindir: Path, durable: bool = False) -> None:
        # durable: fsync on, as in production (the benchmarks); tests run without it.
        self.durable = durable
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="stegvis-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, text=True)

    def start(self) -> str:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "stegvis",
                  "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.folder}")
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "log"), "-w", "start")
        base = f"postgresql+psycopg://stegvis@127.0.0.1:{self.port}"
        import psycopg

        deadline = time.monotonic() + 20
        while True:
            try:
                dsn = f"host=127.0.0.1 port={self.port} user=stegvis dbname=postgres"
                with psycopg.connect(dsn, autocommit=True) as connection:
                    connection.execute("CREATE DATABASE stegvis_test")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return f"{base}/stegvis_test"

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
