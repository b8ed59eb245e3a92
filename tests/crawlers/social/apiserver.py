"""A local JSON API for connector tests: a function of (path, query) answers each GET on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.crawlers.sites import local_server

# (path, query) -> (status, JSON payload, extra headers)
Answer = tuple[int, Any, dict[str, str]]
Handler = Callable[[str, dict[str, str]], Answer]


@dataclass
class Api:
    """A running local API: its base URL and the (path, query) of every request."""

    base: str
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def paths(self) -> list[str]:
        """The paths requested, in order."""
        return [path for path, _ in self.calls]


def ok(payload: Any) -> Answer:
    """200 with a JSON body."""
    return 200, payload, {}


def error(status: int, payload: Any, **headers: str) -> Answer:
    """An error status with a JSON body."""
    return status, payload, headers


@contextmanager
def serve_api(answer: Handler) -> Iterator[Api]:
    """Serve `answer` on a random local port for the duration of the block."""
    api = Api(base="")

    class Request(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            return

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            api.calls.append((parts.path, query))
            status, payload, headers = answer(parts.path, query)
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

    with local_server(Request) as base:
        api.base = base
        yield api
