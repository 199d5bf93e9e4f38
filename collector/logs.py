"""One JSON object per log line.

Only the fields a call names in ``extra`` are written, and callers pass counts,
ids of our own (segments, key ids, purge ids) and exception class names: never a
payload value, a payload key, a raw identifier or an exception message, which
could quote one.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys

import orjson

_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.msg if isinstance(record.msg, str) else type(record.msg).__name__,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD:
                line[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__  # the class only: messages can quote input
        return orjson.dumps(line, default=str).decode()


def configure_logging(level: int = logging.INFO, stream=sys.stderr) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Presidio and spaCy log warnings that quote the analysed text at debug level.
    for noisy in ("presidio-analyzer", "presidio_analyzer", "spacy"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
