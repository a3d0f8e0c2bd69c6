"""HTTP and server-sent events to an OpenAI-compatible server, with our errors.

Every request opens its own connection (the engine may be asked from several threads at once:
an experiment's parallel cases). A streamed reply has an idle timeout between two chunks, not a
total one: a long answer that keeps coming is fine, a server that stalls is not. 429, 503 and a
connection reset before any reply are retried with exponential backoff, a bounded number of times.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from workbench.engine.remote.endpoint import Endpoint
from workbench.errors import RemoteError

RETRY_STATUSES = (429, 502, 503)
BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
MAX_BODY = 64 << 20  # a JSON reply larger than this is not an API reply
MAX_LINE = 16 << 20

_CONTEXT_WORDS = re.compile(r"context|too long|maximum.*length|exceeds|n_ctx", re.I)


class Cancelled(Exception):
    """The caller cancelled the request (the socket was closed under it)."""


class _Retry(Exception):
    def __init__(self, error: RemoteError, wait: float | None = None) -> None:
        self.error = error
        self.wait = wait


class Connection:
    """Requests to one endpoint. ``abort()`` (any thread) closes the sockets of the requests in flight."""

    def __init__(self, endpoint: Endpoint, sleep: Callable[[float], None] = time.sleep) -> None:
        self.endpoint = endpoint
        self._sleep = sleep
        # The requests in flight, each with its socket (http.client lets go of ``conn.sock`` once a
        # reply says ``Connection: close``: the reply reads from it then, and abort() still needs it).
        self._open: dict[http.client.HTTPConnection, socket.socket | None] = {}
        self._aborts = 0  # abort() calls so far: a request that saw one since it began is cancelled
        self._lock = threading.Lock()
        self.retries = 0  # how many requests were retried (reported by experiments)
        parts = urlsplit(endpoint.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._base_path = parts.path[: -len("/v1")]

    # -- plumbing -------------------------------------------------------------------------

    def _ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.endpoint.ca_file:
            try:
                context.load_verify_locations(self.endpoint.ca_file)
            except (OSError, ssl.SSLError) as e:
                raise RemoteError(f"Cannot use {self.endpoint.ca_file} as the CA file of {self.endpoint.name}: {e}.") from None
        return context

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        if self._https:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                self._host, self._port, timeout=timeout, context=self._ssl_context())
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        with self._lock:
            self._open[conn] = None
        return conn

    def _hold(self, conn: http.client.HTTPConnection, aborts: int) -> socket.socket:
        """Keep the just connected socket of ``conn``; Cancelled if abort() came since the request began."""
        with self._lock:
            if conn in self._open and self._aborts == aborts and conn.sock is not None:
                self._open[conn] = conn.sock
                return conn.sock
        raise Cancelled()

    def _forget(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse | None = None) -> None:
        with self._lock:
            self._open.pop(conn, None)
        if response is not None:
            response.close()  # it may own the socket (a "Connection: close" reply)
        conn.close()

    def abort(self) -> None:
        with self._lock:
            held, self._open = list(self._open.items()), {}
            self._aborts += 1
        for conn, sock in held:
            sock = sock or conn.sock
            try:
                if sock is not None:
                    sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()

    def _headers(self, streaming: bool) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream" if streaming else "application/json",
                   "User-Agent": "prompt-workbench"}
        if self.endpoint.api_key:
            headers["Authorization"] = f"Bearer {self.endpoint.api_key}"
        return headers

    def _where(self, path: str) -> str:
        return f"{self.endpoint.name} ({self.endpoint.root}{path})"

    def _open_response(self, method: str, path: str, body: Any, streaming: bool) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send a request and read its status, with retries; the caller reads the body."""
        with self._lock:
            aborts = self._aborts
        attempt = 0
        while True:
            try:
                return self._attempt(method, path, body, streaming, aborts)
            except _Retry as retry:
                if attempt >= self.endpoint.max_retries:
                    raise retry.error from None
                wait = retry.wait if retry.wait is not None else min(MAX_BACKOFF_S, BACKOFF_S * 2**attempt)
                attempt += 1
                self.retries += 1
                self._sleep(wait)
                if self._aborts != aborts:  # cancelled while waiting to retry
                    raise Cancelled() from None

    def _attempt(self, method: str, path: str, body: Any, streaming: bool,
                 aborts: int) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        endpoint = self.endpoint
        conn = self._connection(endpoint.connect_timeout_s)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        try:
            conn.connect()
            conn.auto_open = 0  # after an abort(), no silent reconnect inside request()
            sock = self._hold(conn, aborts)
            conn.request(method, self._base_path + path, body=data, headers=self._headers(streaming))
            response = conn.getresponse()
        except Cancelled:
            self._forget(conn)
            raise
        except (OSError, http.client.HTTPException) as e:
            aborted = self._aborted(conn) or self._aborts != aborts  # an abort() shows as a reset or a closed socket
            self._forget(conn)
            if aborted:
                raise Cancelled() from None
            raise self._failure(e, path) from None
        if response.status >= 400:
            try:
                text = response.read(MAX_BODY).decode("utf-8", "replace")
            except (OSError, http.client.HTTPException):
                text = ""
            self._forget(conn, response)
            error = self.status_error(response.status, text, path)
            if response.status in RETRY_STATUSES:
                raise _Retry(error, _retry_after(response.getheader("Retry-After")))
            raise error
        if streaming:
            sock.settimeout(endpoint.idle_timeout_s)  # conn.sock may be None by now ("Connection: close")
        return conn, response

    def _failure(self, e: Exception, path: str) -> Exception:
        """A failure to send a request or read its status, as our error (or a retry)."""
        endpoint = self.endpoint
        if isinstance(e, ssl.SSLCertVerificationError):
            return RemoteError(
                f"{endpoint.url}: the server's certificate is not trusted ({e.verify_message}). If your organisation "
                f"signs it, give its CA file for this endpoint (endpoints add {endpoint.name} URL --ca-file FILE).")
        if isinstance(e, ssl.SSLError):
            return RemoteError(f"{endpoint.url}: the TLS connection failed ({e.reason or e}). Is it an https:// server?")
        if isinstance(e, ConnectionRefusedError):
            return RemoteError(f"Cannot connect to {endpoint.name} at {endpoint.url}: connection refused. Is the server running, on this port?")
        if isinstance(e, socket.gaierror):
            return RemoteError(f"Cannot connect to {endpoint.name}: the host {self._host!r} is unknown.")
        if isinstance(e, TimeoutError):
            return RemoteError(f"{self._where(path)} did not answer within {endpoint.connect_timeout_s:g} s.")
        if isinstance(e, (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError)):
            return _Retry(RemoteError(f"{self._where(path)} closed the connection before answering ({type(e).__name__})."))
        if isinstance(e, http.client.HTTPException):
            return RemoteError(f"{self._where(path)} did not answer in HTTP ({type(e).__name__}). Is this an OpenAI-compatible server?")
        strerror = e.strerror if isinstance(e, OSError) else None
        return RemoteError(f"Cannot reach {endpoint.name} at {endpoint.url}: {strerror or e}.")

    def _aborted(self, conn: http.client.HTTPConnection) -> bool:
        with self._lock:
            return conn not in self._open

    def status_error(self, status: int, text: str, path: str) -> RemoteError:
        """An HTTP error in our words, with the server's own message."""
        said = server_message(text)
        name = self.endpoint.name
        if status in (401, 403):
            if self.endpoint.api_key:
                return RemoteError(f"{name} refused the API key (HTTP {status}: {said or 'unauthorised'}). It may have expired: "
                                   f"set a new one (endpoints add {name} URL --api-key-file FILE).", status=status)
            return RemoteError(f"{name} needs an API key (HTTP {status}: {said or 'unauthorised'}): "
                               f"endpoints add {name} URL --api-key-file FILE.", status=status)
        if status == 404:
            return RemoteError(f"{self._where(path)}: not found (HTTP 404{': ' + said if said else ''}).", status=status)
        if status in (400, 413, 422) and _CONTEXT_WORDS.search(said):
            numbers = _context_numbers(text)
            return RemoteError(f"{name}: the request does not fit the model's context: {said}{numbers}", status=status, context=True)
        if status in RETRY_STATUSES:
            return RemoteError(f"{name} is busy (HTTP {status}{': ' + said if said else ''}); it kept refusing after "
                               f"{self.endpoint.max_retries} retries.", status=status)
        return RemoteError(f"{name} answered HTTP {status}{': ' + said if said else ''}.", status=status)

    # -- requests -------------------------------------------------------------------------

    def get(self, path: str) -> Any:
        return self._json("GET", path, None)

    def post(self, path: str, body: Any) -> Any:
        return self._json("POST", path, body)

    def _json(self, method: str, path: str, body: Any) -> Any:
        conn, response = self._open_response(method, path, body, streaming=False)
        try:
            raw = response.read(MAX_BODY + 1)
            # read(n) stops quietly at the end of the connection: bytes still owed of the length it announced
            short = bool(response.length) and len(raw) <= MAX_BODY
            if short and self._aborted(conn):
                raise Cancelled()
        except TimeoutError:
            raise RemoteError(f"{self._where(path)} stopped answering in the middle of its reply.") from None
        except (OSError, http.client.HTTPException):
            if self._aborted(conn):
                raise Cancelled() from None
            raise RemoteError(f"{self._where(path)} closed the connection in the middle of its reply.") from None
        finally:
            self._forget(conn, response)
        if len(raw) > MAX_BODY:
            raise RemoteError(f"{self._where(path)} sent more than {MAX_BODY >> 20} MB: not an API reply.")
        if short:
            raise RemoteError(f"{self._where(path)} closed the connection in the middle of its reply.")
        try:
            return json.loads(raw)
        except ValueError:
            preview = raw[:120].decode("utf-8", "replace")
            raise RemoteError(f"{self._where(path)} did not answer JSON (it sent {preview!r}). Is this an OpenAI-compatible server?") from None

    def stream(self, path: str, body: Any) -> Iterator[dict[str, Any]]:
        """The JSON events of a streamed reply (``data: {...}`` lines; comments and keep-alives
        skipped), until ``data: [DONE]`` or the end of the reply. Raises Cancelled after abort()."""
        conn, response = self._open_response("POST", path, body, streaming=True)
        try:
            kind = response.getheader("Content-Type", "")
            if "event-stream" not in kind:  # a server that ignored "stream": one JSON reply
                try:
                    raw = response.read(MAX_BODY)
                except (OSError, http.client.HTTPException):
                    if self._aborted(conn):
                        raise Cancelled() from None
                    raise RemoteError(f"{self._where(path)} closed the connection in the middle of its reply.",
                                      closed=True) from None
                try:
                    yield json.loads(raw)
                except ValueError:
                    raise RemoteError(f"{self._where(path)} sent neither events nor JSON.") from None
                return
            while True:
                try:
                    line = response.readline(MAX_LINE)
                except TimeoutError:
                    raise RemoteError(f"{self._where(path)} sent nothing for {self.endpoint.idle_timeout_s:g} s in the middle "
                                      "of its reply (a stalled stream); what came before is kept.", stalled=True) from None
                except (OSError, http.client.HTTPException, ValueError):
                    if self._aborted(conn):
                        raise Cancelled() from None
                    raise RemoteError(f"{self._where(path)} closed the connection in the middle of its reply; what came "
                                      "before is kept.", closed=True) from None
                if not line:
                    if self._aborted(conn):
                        raise Cancelled()
                    return  # the end without [DONE]: the caller checks it saw a finish
                text = line.decode("utf-8", "replace").strip()
                if not text or text.startswith(":") or not text.startswith("data:"):
                    continue  # blank separators, keep-alive comments, event:/id: fields
                data = text[5:].strip()
                if data == "[DONE]":
                    return
                try:
                    event = json.loads(data)
                except ValueError:
                    raise RemoteError(f"{self._where(path)} sent a malformed event: {data[:120]!r}.") from None
                if isinstance(event, dict) and "error" in event:
                    raise RemoteError(f"{self.endpoint.name} reported an error mid-stream: {server_message(data)}.")
                if not isinstance(event, dict):
                    raise RemoteError(f"{self._where(path)} sent an event that is not an object: {data[:120]!r}.")
                yield event
        finally:
            self._forget(conn, response)


def server_message(text: str) -> str:
    """The message a server put in its error reply (OpenAI's ``{"error": {"message"}}``, FastAPI's
    ``{"detail"}``, vLLM's ``{"message"}``), else its text, short."""
    try:
        data = json.loads(text)
    except ValueError:
        return text.strip()[:300]
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:500]
        if isinstance(error, str):
            return error[:500]
        for key in ("message", "detail"):
            if data.get(key):
                detail = data[key]
                if isinstance(detail, list) and detail and isinstance(detail[0], dict):
                    return "; ".join(str(d.get("msg", d)) for d in detail)[:500]
                return str(detail)[:500]
    return text.strip()[:300]


def _context_numbers(text: str) -> str:
    """llama.cpp's server puts the numbers in fields beside its message."""
    try:
        error = json.loads(text).get("error", {})
    except (ValueError, AttributeError):
        return ""
    if isinstance(error, dict) and "n_prompt_tokens" in error and "n_ctx" in error:
        return f" ({error['n_prompt_tokens']} prompt tokens, context {error['n_ctx']})"
    return ""


def _retry_after(value: str | None) -> float | None:
    try:
        return min(MAX_BACKOFF_S, max(0.0, float(value))) if value else None
    except ValueError:
        return None
