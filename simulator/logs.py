"""How `gwsim serve` logs: quiet by default (warnings and errors only), one line per request with `-v`
(aiohttp's access log, at INFO), the simulator's debugging with `-vv`; as text or as JSON lines. A
request too malformed to parse is a line at INFO, not an error with a traceback."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from aiohttp.http_exceptions import HttpProcessingError

LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")


class JsonLines(logging.Formatter):
    """One JSON object per record: time (ISO 8601, UTC), level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def level_of(verbosity: int, level: str | None) -> str:
    """The level asked for: `--log-level` when given, else warning, info with -v, debug with -vv."""
    if level is not None:
        return level
    return LEVELS[max(0, 2 - verbosity)]


def _malformed_request(record: logging.LogRecord) -> bool:
    """aiohttp logs a request it could not parse (and answered 400) as an error with its traceback, so
    any client could fill a quiet server's log with them: such a record becomes one INFO line (`-v`)."""
    problem = record.exc_info[1] if record.exc_info else None
    if not isinstance(problem, HttpProcessingError):
        return True
    record.levelno, record.levelname = logging.INFO, "INFO"
    record.msg, record.args = "malformed request: %s", (" ".join(str(problem).split()),)
    record.exc_info, record.exc_text = None, None
    return logging.getLogger().isEnabledFor(logging.INFO)


def configure(level: str, form: str) -> None:
    """Send every log record at `level` or above to standard error, as text or JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    if form == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    server = logging.getLogger("aiohttp.server")
    server.filters[:] = [_malformed_request]
