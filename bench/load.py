"""Load generators on loopback, always bounded in time: ``wrk`` (Lua scripts for headers, request
lists and POST bodies) or, without it, a keep-alive Python client in threads.

Both answer a ``Run``: requests per second, p50 and p99 latency in milliseconds, and the count
of answers that were not the expected status (a run with any is reported as failed).
"""

import http.client
import json
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.env import OUT

CONNECTIONS = 4  # the server's 2 workers x 2 threads: no request waits in a queue


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int
    # CPU milliseconds per request: the server's workers, and PostgreSQL's backends.
    app_cpu_ms: float = 0.0
    db_cpu_ms: float = 0.0

    @staticmethod
    def median(runs: list["Run"]) -> "Run":
        return Run(
            rps=statistics.median(r.rps for r in runs),
            p50_ms=statistics.median(r.p50_ms for r in runs),
            p99_ms=statistics.median(r.p99_ms for r in runs),
            requests=sum(r.requests for r in runs),
            bad=sum(r.bad for r in runs),
            app_cpu_ms=statistics.median(r.app_cpu_ms for r in runs),
            db_cpu_ms=statistics.median(r.db_cpu_ms for r in runs),
        )


@dataclass
class Request:
    """What to send: a method, paths cycled through in order, headers, bodies (cycled)."""

    method: str
    paths: list[str]
    headers: dict[str, str]
    expect: int = 200
    # POST bodies, cycled: templates whose ``{n}`` becomes a token unique to the run.
    bodies: list[str] | None = None


# --- wrk ------------------------------------------------------------------------------------------
_LUA = r"""
local paths = {%(paths)s}
local method = "%(method)s"
local templates = {%(bodies)s}
local expect = %(expect)d
local headers = {%(headers)s}
local counter = 0
thread_id = 0
bad = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  for k, v in pairs(headers) do wrk.headers[k] = v end
end

function request()
  counter = counter + 1
  local path = paths[(counter - 1) %% #paths + 1]
  local body = nil
  if #templates > 0 then
    local template = templates[(counter - 1) %% #templates + 1]
    body = string.gsub(template, "{n}", "%(run)s-" .. thread_id .. "-" .. counter)
  end
  return wrk.format(method, path, nil, body)
end

function response(status, headers, body)
  if status ~= expect then
    bad = bad + 1
    if bad <= 3 then io.stderr:write("unexpected " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + (t:get("bad") or 0) end
  io.write(string.format(
    "BENCH-JSON {\"requests\": %%d, \"seconds\": %%f, \"p50\": %%f, \"p99\": %%f, \"bad\": %%d, \"errors\": %%d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, total_bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  ))
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


_runs = 0


def run_wrk(wrk: str, base: str, request: Request, seconds: float) -> Run:
    global _runs
    _runs += 1
    script = OUT / f"load-{_runs}.lua"
    script.write_text(
        _LUA
        % {
            "paths": ", ".join(_lua_string(p) for p in request.paths),
            "method": request.method,
            "bodies": ", ".join(_lua_string(b) for b in request.bodies or []),
            "expect": request.expect,
            "headers": ", ".join(
                f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers.items()
            ),
            "run": f"{int(time.time())}{_runs}",
        }
    )
    command = [
        wrk, "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
        "-s", str(script), base + request.paths[0],
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    data = json.loads(line.removeprefix("BENCH-JSON "))
    if done.stderr.strip():
        print(done.stderr.strip()[:600], flush=True)
    return Run(
        rps=data["requests"] / data["seconds"],
        p50_ms=data["p50"],
        p99_ms=data["p99"],
        requests=data["requests"],
        bad=data["bad"] + data["errors"],
    )


# --- the Python client ----------------------------------------------------------------------------
def run_python(base: str, request: Request, seconds: float) -> Run:
    """``CONNECTIONS`` threads, each with one keep-alive connection, until the time is up."""
    host = urlsplit(base)
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    bad = [0] * CONNECTIONS

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        n = 0
        while time.monotonic() < deadline:
            path = request.paths[n % len(request.paths)]
            body = None
            if request.bodies:
                template = request.bodies[n % len(request.bodies)]
                body = template.replace("{n}", f"p{int(deadline)}-{index}-{n}").encode()
            n += 1
            started = time.perf_counter()
            try:
                conn.request(request.method, path, body=body, headers=request.headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
                status = 0
            latencies[index].append((time.perf_counter() - started) * 1000)
            if status != request.expect:
                bad[index] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    every = sorted(x for one in latencies for x in one)
    if not every:
        return Run(0.0, 0.0, 0.0, 0, 0)
    return Run(
        rps=len(every) / elapsed,
        p50_ms=every[len(every) // 2],
        p99_ms=every[min(len(every) - 1, int(len(every) * 0.99))],
        requests=len(every),
        bad=sum(bad),
    )


class LoadGenerator:
    def __init__(self, wrk: str | None, base: str, meter=None):
        self.wrk = wrk
        self.base = base
        self.meter = meter  # a bench.cpu.CpuMeter, to charge CPU time to each request

    def run(self, request: Request, *, seconds: float, rounds: int) -> Run:
        runs = []
        for _ in range(rounds):
            before = self.meter.snapshot() if self.meter else None
            if self.wrk:
                run = run_wrk(self.wrk, self.base, request, seconds)
            else:
                run = run_python(self.base, request, seconds)
            if self.meter and run.requests:
                app, db = self.meter.since(before)
                run.app_cpu_ms = 1000 * app / run.requests
                run.db_cpu_ms = 1000 * db / run.requests
            runs.append(run)
        return Run.median(runs)
