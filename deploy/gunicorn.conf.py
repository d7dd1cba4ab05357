"""Gunicorn settings for Cleo Pay (``make serve``, the systemd unit and the container).

Gunicorn's gthread workers give each connection a thread for as long as the client keeps it:
a client that sends its headers or body slowly (slowloris) holds a thread, and enough of them
stall the app. Run it behind a buffering proxy (deploy/nginx/cleopay.conf) that reads whole
requests with its own header and body timeouts before passing them on; the limits below bound
what reaches gunicorn even so. Every value can be set from the environment.
"""

import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker silent this long is restarted; a request longer than this is cut off.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Idle keep-alive connections are dropped after this many seconds.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Header limits: a request line, the number of headers and each header's size.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Restart workers now and then so a slow leak cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The proxy in front is trusted for X-Forwarded-* (the app's BEHIND_TLS_PROXY, NUM_PROXIES).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access and error logs on stdout/stderr as JSON lines, like the app's own.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
logger_class = "cleopay.accesslog.JsonLogger"
# Gunicorn's control socket (for ``gunicornc``) lives at one path per user by default, so a second
# instance on the same host fails to bind it: off unless GUNICORN_CONTROL_SOCKET names a path.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

# Metrics (METRICS_ENABLED): each worker process writes its counts to files in
# PROMETHEUS_MULTIPROC_DIR and /metrics sums them, whichever worker answers. The directory must be
# empty when gunicorn starts (stale files would add old counts): a fresh one unless set, emptied
# here if set. It has to be in the environment before a worker imports the app.
_metrics_on = os.environ.get("METRICS_ENABLED", "").strip().lower() in {"1", "true", "yes", "on"}
if _metrics_on and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="cleopay-metrics-")


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if _metrics_on and directory:
        os.makedirs(directory, exist_ok=True)
        for entry in os.listdir(directory):
            path = os.path.join(directory, entry)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)


def child_exit(server, worker):
    if _metrics_on and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
