"""The production-shaped cluster for the tests: PostgreSQL and two Temporal server nodes,
set up by scripts/cluster.sh's steps, each node a process of ours that a test can kill and
start again. Everything started here is stopped by its process ID (PostgreSQL by pg_ctl,
which stops the postmaster named in its data folder)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness import ROOT, TEMPORAL, stop_process, wait_until

SCRIPT = ROOT / "scripts" / "cluster.sh"
SERVER = ROOT / ".tools" / "temporal-server" / "server"
NODES = (1, 2)


def _step(*args: str, log: Path) -> None:
    with log.open("ab") as out:
        done = subprocess.run([str(SCRIPT), *args], stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        said = log.read_text(errors="replace").splitlines()[-3:]
        raise RuntimeError(f"scripts/cluster.sh {args[0]} failed ({log}): " + " / ".join(said))


def _ports(folder: Path) -> dict[str, str]:
    lines = (folder / "cluster.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


@dataclass
class Cluster:
    """folder holds PostgreSQL's data (a folder of its own: when we are root, the database
    runs as another user, who must reach it); logs holds every process's log."""

    folder: Path
    logs: Path
    ports: dict[str, str] = field(default_factory=dict)
    nodes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @classmethod
    def start(cls, logs: Path) -> Cluster:
        if not SERVER.exists():
            raise RuntimeError("the Temporal server is not built: run make cluster-tools")
        logs.mkdir(parents=True, exist_ok=True)
        cluster = cls(Path(tempfile.mkdtemp(prefix="async-cluster-")), logs)
        try:
            _step("prepare", str(cluster.folder), log=logs / "prepare.log")
            cluster.ports = _ports(cluster.folder)
            # One after the other: the first start writes the cluster's metadata, and two
            # nodes writing it at once make one of them fail.
            for n in NODES:
                cluster.start_node(n)
                cluster.wait_healthy(n)
            cluster.add_namespace("default")
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def frontend(self, n: int) -> str:
        return f"127.0.0.1:{self.ports[f'NODE{n}_FRONTEND_PORT']}"

    @property
    def address(self) -> str:
        """Where the suites' Worker and completers go: node 1's frontend."""
        return self.frontend(1)

    @property
    def frontends(self) -> list[str]:
        return [self.frontend(n) for n in NODES]

    def start_node(self, n: int) -> None:
        with (self.logs / f"node{n}.log").open("ab") as out:
            self.nodes[n] = subprocess.Popen(
                [str(SCRIPT), "node", str(self.folder), str(n)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_healthy(self, n: int, timeout: float = 120) -> None:
        def healthy() -> bool:
            if self.nodes[n].poll() is not None:
                log = self.logs / f"node{n}.log"
                said = log.read_text(errors="replace").splitlines()[-1:]
                raise RuntimeError(f"node {n} exited ({log}): " + " / ".join(said)[:2000])
            check = [str(TEMPORAL), "operator", "cluster", "health", "--address", self.frontend(n)]
            return subprocess.run(check, capture_output=True).returncode == 0

        wait_until(healthy, timeout, f"node {n} at {self.frontend(n)}", interval=0.2)

    def add_namespace(self, name: str) -> None:
        """Registers namespace name; returns once both frontends serve it."""
        _step("namespace", str(self.folder), name, log=self.logs / "namespace.log")

    def kill_node(self, n: int) -> None:
        """SIGKILL: the node leaves no word; the ring notices it is gone."""
        stop_process(self.nodes[n], signal.SIGKILL)

    def stop_database(self) -> None:
        _step("db-stop", str(self.folder), log=self.logs / "database.log")

    def start_database(self) -> None:
        _step("db-start", str(self.folder), log=self.logs / "database.log")

    def database_running(self) -> bool:
        # The postmaster writes this file once it runs and removes it when it stops.
        return (self.folder / "postgres" / "postmaster.pid").exists()

    def start_database_if_stopped(self) -> None:
        if not self.database_running():
            self.start_database()

    def stop(self) -> None:
        for process in self.nodes.values():
            stop_process(process, timeout=30)
        if self.database_running():
            subprocess.run(
                [str(SCRIPT), "db-stop", str(self.folder)], capture_output=True, check=False
            )
        # The logs say what the database and the setup saw; the data itself goes.
        for log in ("postgres.log", "initdb.log", "schema.log"):
            if (self.folder / log).exists():
                shutil.copy(self.folder / log, self.logs / log)
        shutil.rmtree(self.folder, ignore_errors=True)
