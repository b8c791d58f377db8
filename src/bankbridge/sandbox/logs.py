"""Structured logs: one JSON object per line, with the request fields passed as ``extra``."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "color_message"}

logger = logging.getLogger("bankbridge.sandbox")
LOGGERS = ("bankbridge.sandbox", "uvicorn", "uvicorn.error")


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", …extra}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line."""
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def configure(level: int = logging.INFO) -> logging.Handler:
    """Send the sandbox bank's logs (and uvicorn's) to stderr as JSON lines; returns the handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in LOGGERS:
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(level)
        log.propagate = False
    return handler
