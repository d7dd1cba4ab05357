"""Gunicorn on 127.0.0.1, started and always stopped by the benchmark (its whole process group).

Tuning for 2 cores shared with PostgreSQL and the load generator: 2 gthread workers (one per
core, so two requests run Python at once) with 2 threads each (a thread waiting on the database
lets the other run). More workers only add context switches on this machine.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.env import OUT, ROOT

WORKERS = 2
THREADS = 2


def free_port() -> int:
    """A free port on the loopback, or ``BENCH_PORT`` when it is set (a shared machine's own)."""
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process = process
        self.port = port
        self.base = f"http://127.0.0.1:{port}"

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def peak_rss_mb(self) -> float:
        """The largest VmHWM (peak resident memory) among the workers, in MB."""
        peak = 0
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                continue
        return peak / 1024


@contextmanager
def gunicorn(environ: dict, *, workers: int = WORKERS, threads: int = THREADS):
    """A running server; on exit (even on an error) its process group is killed."""
    port = free_port()
    OUT.mkdir(parents=True, exist_ok=True)
    log = open(OUT / "gunicorn.log", "ab")  # noqa: SIM115 (closed in finally)
    command = [
        sys.executable, "-m", "gunicorn", "cleopay.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread",
        "--workers", str(workers),
        "--threads", str(threads),
        "--keep-alive", "30",
        "--backlog", "256",
        "--graceful-timeout", "5",
        "--timeout", "120",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=environ, stdout=log, stderr=log, start_new_session=True
    )
    server = Server(process, port)
    try:
        _wait_ready(server)
        yield server
    finally:
        _stop(process)
        log.close()


def _wait_ready(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {OUT / 'gunicorn.log'}")
        try:
            urllib.request.urlopen(server.base + "/api/me", timeout=5).read(1)
        except urllib.error.HTTPError:
            break  # it answers (401/404 are fine)
        except OSError:
            time.sleep(0.2)
            continue
        break
    else:
        raise RuntimeError("gunicorn did not answer within a minute")
    # Let every worker boot (each imports Django) before a load starts.
    deadline = time.monotonic() + timeout
    while len(server.worker_pids()) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass
