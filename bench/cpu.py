"""CPU time spent by the server and by PostgreSQL, read from /proc.

Other work on a shared machine slows a run down but does not make a request cost more CPU, so
CPU milliseconds per request are the figure to compare between runs on a busy machine.
"""

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    """User + system seconds of a process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def processes_cpu(pids: list[int]) -> float:
    return sum(_cpu_of(pid) for pid in pids)


def database_backends(database: str) -> list[int]:
    """PostgreSQL backends serving ``database`` (their title names it)."""
    pids = []
    marker = f" {database} ".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.startswith(b"postgres: ") and marker in cmdline:
            pids.append(int(entry.name))
    return pids


class CpuMeter:
    """CPU seconds of the server's workers and of the database's backends over a span."""

    def __init__(self, database: str, server_pids=lambda: []):
        self.database = database
        self.server_pids = server_pids

    def snapshot(self) -> dict[int, float]:
        pids = [*self.server_pids(), *database_backends(self.database)]
        return {pid: _cpu_of(pid) for pid in pids}

    def since(self, before: dict[int, float]) -> tuple[float, float]:
        """(server seconds, database seconds) used since ``before``."""
        server = set(self.server_pids())
        now = {pid: _cpu_of(pid) for pid in [*server, *database_backends(self.database)]}
        app = db = 0.0
        for pid, seconds in now.items():
            used = seconds - before.get(pid, 0.0)
            if pid in server:
                app += used
            else:
                db += used
        return app, db
