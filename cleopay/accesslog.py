"""Gunicorn's logs as JSON lines in the application's format (``deploy/gunicorn.conf.py`` names
this class as ``logger_class``): the access line carries the request id the app answered."""

from gunicorn import glogging
from pythonjsonlogger.json import JsonFormatter

FORMATTER = JsonFormatter(
    "{asctime}{levelname}{name}{message}",
    style="{",
    rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    datefmt="%Y-%m-%dT%H:%M:%SZ",
)


class JsonLogger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(FORMATTER)

    def access(self, resp, req, environ, request_time):
        if not self.cfg.accesslog and not self.cfg.logconfig and not self.cfg.logconfig_dict:
            return
        request_id = next(
            (value for name, value in resp.headers if name.lower() == "x-request-id"), None
        )
        self.access_log.info(
            "%s %s %s",
            req.method,
            req.path,
            getattr(resp, "status_code", None),
            extra={
                "request_id": request_id,
                "method": req.method,
                "path": req.path,
                "status": getattr(resp, "status_code", None),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "remote_addr": environ.get("REMOTE_ADDR"),
                "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
                "user_agent": environ.get("HTTP_USER_AGENT"),
            },
        )
