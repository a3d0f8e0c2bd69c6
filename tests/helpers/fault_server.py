"""A small misbehaving OpenAI-compatible server on loopback, for the remote engine's fault tests.

Standard library only (``http.server``), on 127.0.0.1 and a free port, one daemon thread per
request. It lists one model, ``fault-model``, and answers ``/v1/completions`` and
``/v1/chat/completions`` (streamed as server-sent events when the body asks, else one JSON reply)
in the way its ``mode`` says:

``ok``             five tokens (" one" ... " five"), with logprobs when asked, a ``: ping``
                   keep-alive comment and a blank line between the events
``no_logprobs``    the same tokens, ``"logprobs": null`` even when asked
``stall``          two tokens, then nothing until ``release`` is set (it never ends by itself);
                   a request that is not streamed gets no reply at all until then
``malformed``      one good token, then ``data: {not json``
``endless``        tokens until the client goes away, never a finish reason
``close_mid``      three tokens, then the connection closes (no finish reason, no [DONE]); a
                   request that is not streamed gets half of its reply
``context``        HTTP 400 in llama.cpp's words (with ``n_prompt_tokens`` and ``n_ctx``)
``context_openai`` HTTP 400 in OpenAI's / vLLM's words
``busy``           the first ``fail_first`` completion requests get 503 (``Retry-After: 0``), then ``ok``
``reset``          the first ``fail_first`` completion requests: the connection closes without
                   any reply, then ``ok``

``keep_alive=False`` makes it answer like an HTTP/1.0 server (``Connection: close``, a streamed
body that ends when the connection does) instead of HTTP/1.1 with chunked encoding.
"""

from __future__ import annotations

import json
import socketserver
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

MODEL = "fault-model"
TOKENS = (" one", " two", " three", " four", " five")
LOGPROBS = (-0.25, -0.5, -0.75, -1.0, -1.25)  # binary fractions: they cross JSON exactly
OTHER = " other"  # the one alternative listed beside each token
OTHER_GAP = 1.5  # its logprob: the token's, less this
MODES = ("ok", "no_logprobs", "stall", "malformed", "endless", "close_mid", "context", "context_openai", "busy", "reset")

LLAMA_CONTEXT_ERROR = {"error": {
    "code": 400, "message": "the request exceeds the available context size, try increasing it",
    "type": "exceed_context_size_error", "n_prompt_tokens": 5000, "n_ctx": 4096,
}}
OPENAI_CONTEXT_ERROR = {"error": {
    "message": "This model's maximum context length is 2048 tokens. However, you requested 3000 tokens "
               "(2990 in the messages, 10 in the completion).",
    "type": "invalid_request_error",
}}


def token_at(i: int) -> tuple[str, float]:
    """The i-th token the server sends and its logprob (past the five: " t5", " t6", ...)."""
    if i < len(TOKENS):
        return TOKENS[i], LOGPROBS[i]
    return f" t{i}", -2.0


class _Gone(Exception):
    """The handler closes the connection now, without another byte."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # FaultServer joins its handlers itself, with a time limit
    fault: FaultServer

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # HTTPServer's would look up the host's name
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        self.fault._track(thread)
        thread.start()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            pass  # the client went away (a cancel, an abort): nothing to answer

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    # -- one request ----------------------------------------------------------------------

    @property
    def fault(self) -> FaultServer:
        return self.server.fault

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self.fault._record(method, self.path, body)
        if not self.fault.keep_alive:
            self.close_connection = True
        try:
            self._route(method, body if isinstance(body, dict) else {})
        except _Gone:
            self.close_connection = True

    def _route(self, method: str, body: dict[str, Any]) -> None:
        key = self.fault.api_key
        if key is not None and self.headers.get("Authorization") != f"Bearer {key}":
            self._json(401, {"error": {"message": "Invalid API Key", "type": "authentication_error"}})
            return
        if method == "GET" and self.path == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "tests"}]})
            return
        if method == "POST" and self.path in ("/v1/completions", "/v1/chat/completions"):
            self._completion(body, chat=self.path == "/v1/chat/completions")
            return
        self._json(404, {"error": {"message": f"File Not Found: {self.path}", "type": "not_found_error"}})

    def _completion(self, body: dict[str, Any], chat: bool) -> None:
        model = body.get("model")
        if model != MODEL:
            self._json(404, {"error": {"message": f"The model `{model}` does not exist.", "type": "invalid_request_error"}})
            return
        mode = self.fault.mode
        if mode in ("busy", "reset") and self.fault._fail_now():
            if mode == "reset":
                raise _Gone()
            self._json(503, {"error": {"message": "Server busy, try again later", "type": "unavailable_error"}},
                       {"Retry-After": "0"})
            return
        if mode == "context":
            self._json(400, LLAMA_CONTEXT_ERROR)
            return
        if mode == "context_openai":
            self._json(400, OPENAI_CONTEXT_ERROR)
            return
        reply = _Reply(body, chat, with_logprobs=mode != "no_logprobs")
        if body.get("stream"):
            self._stream(reply, mode)
        else:
            self._whole(reply, mode)

    # -- replies --------------------------------------------------------------------------

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(data).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def _whole(self, reply: _Reply, mode: str) -> None:
        if mode in ("stall", "endless"):
            self.fault.release.wait()
            raise _Gone()
        if mode == "malformed":
            payload = b"{not json"
        else:
            payload = json.dumps(reply.whole(reply.wanted, "stop" if reply.wanted >= len(TOKENS) else "length")).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if mode == "close_mid":
            self.wfile.write(payload[: len(payload) // 2])
            raise _Gone()  # half the length it announced
        self.wfile.write(payload)

    def _stream(self, reply: _Reply, mode: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        if self.close_connection:
            self.send_header("Connection", "close")  # the body ends when the connection does
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if mode == "stall":
            for i in range(2):
                self._event(reply.chunk(i))
            self.fault.release.wait()
            raise _Gone()
        if mode == "malformed":
            self._event(reply.chunk(0))
            self._send(b"data: {not json\n\n")
            self._end()
            return
        if mode == "close_mid":
            for i in range(3):
                self._event(reply.chunk(i))
            raise _Gone()
        if mode == "endless":
            i = 0
            while not self.fault.release.is_set():
                self._event(reply.chunk(i))  # raises once the client has gone
                i += 1
            raise _Gone()
        for i in range(reply.wanted):  # ok, no_logprobs, busy and reset once they let it through
            self._send(b": ping\n\n")
            self._event(reply.chunk(i))
        self._event(reply.last("stop" if reply.wanted >= len(TOKENS) else "length"))
        self._send(b"data: [DONE]\n\n")
        self._end()

    def _event(self, data: dict[str, Any]) -> None:
        self._send(b"data: " + json.dumps(data).encode("utf-8") + b"\n\n")

    def _send(self, data: bytes) -> None:
        if self.close_connection:
            self.wfile.write(data)
        else:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _end(self) -> None:
        if not self.close_connection:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()


class _Reply:
    """The content of one completion reply, in the legacy completion or the chat shape."""

    def __init__(self, body: dict[str, Any], chat: bool, with_logprobs: bool) -> None:
        self.chat = chat
        max_tokens = body.get("max_tokens")
        self.wanted = min(len(TOKENS), max_tokens) if isinstance(max_tokens, int) and max_tokens > 0 else len(TOKENS)
        asked = body.get("logprobs")
        if chat:
            top = body.get("top_logprobs")
            self.top = top if isinstance(top, int) and not isinstance(top, bool) else 0
        else:
            self.top = asked if isinstance(asked, int) and not isinstance(asked, bool) else 0
        self.logprobs = with_logprobs and (asked is True or (isinstance(asked, int) and not isinstance(asked, bool)))
        prompt = body.get("prompt")
        self.offset = len(prompt) if isinstance(prompt, str) else 0
        self.created = int(time.time())

    def _alternatives(self, text: str, logprob: float) -> list[tuple[str, float]]:
        return [(text, logprob), (OTHER, logprob - OTHER_GAP)][: min(self.top, 2)]

    def _offset(self, i: int) -> int:
        return self.offset + sum(len(token_at(j)[0]) for j in range(i))

    def _completion_logprobs(self, indexes: range) -> dict[str, Any] | None:
        if not self.logprobs:
            return None
        tokens = [token_at(i) for i in indexes]
        return {
            "tokens": [t for t, _ in tokens],
            "token_logprobs": [lp for _, lp in tokens],
            "top_logprobs": [dict(self._alternatives(t, lp)) for t, lp in tokens],
            "text_offset": [self._offset(i) for i in indexes],
        }

    def _chat_logprobs(self, indexes: range) -> dict[str, Any] | None:
        if not self.logprobs:
            return None
        content = []
        for i in indexes:
            text, logprob = token_at(i)
            content.append({
                "token": text, "logprob": logprob, "bytes": list(text.encode("utf-8")),
                "top_logprobs": [{"token": t, "logprob": lp, "bytes": list(t.encode("utf-8"))}
                                 for t, lp in self._alternatives(text, logprob)],
            })
        return {"content": content}

    def _envelope(self, choice: dict[str, Any]) -> dict[str, Any]:
        kind = "chat.completion.chunk" if self.chat else "text_completion"
        return {"id": "fault-1", "object": kind, "created": self.created, "model": MODEL, "choices": [choice]}

    def chunk(self, i: int) -> dict[str, Any]:
        """The streamed event of token i."""
        text, _ = token_at(i)
        if self.chat:
            choice = {"index": 0, "delta": {"content": text}, "logprobs": self._chat_logprobs(range(i, i + 1)),
                      "finish_reason": None}
        else:
            choice = {"text": text, "index": 0, "logprobs": self._completion_logprobs(range(i, i + 1)), "finish_reason": None}
        return self._envelope(choice)

    def last(self, finish: str) -> dict[str, Any]:
        """The streamed event that ends the reply: no text, the finish reason."""
        if self.chat:
            return self._envelope({"index": 0, "delta": {}, "logprobs": None, "finish_reason": finish})
        return self._envelope({"text": "", "index": 0, "logprobs": None, "finish_reason": finish})

    def whole(self, count: int, finish: str) -> dict[str, Any]:
        """The non-streamed reply with the first ``count`` tokens."""
        text = "".join(token_at(i)[0] for i in range(count))
        if self.chat:
            choice = {"index": 0, "message": {"role": "assistant", "content": text},
                      "logprobs": self._chat_logprobs(range(count)), "finish_reason": finish}
        else:
            choice = {"text": text, "index": 0, "logprobs": self._completion_logprobs(range(count)), "finish_reason": finish}
        reply = self._envelope(choice)
        reply["object"] = "chat.completion" if self.chat else "text_completion"
        reply["usage"] = {"prompt_tokens": 4, "completion_tokens": count, "total_tokens": 4 + count}
        return reply


class FaultServer:
    """A misbehaving OpenAI-compatible server, for a ``with`` block: ``server.url`` is its base
    (``http://127.0.0.1:PORT``, without ``/v1``). ``mode`` may change between requests;
    ``requests`` lists what came, as ``(method, path, JSON body or None)``; ``release`` is what a
    stalled handler waits on (set when the block ends, so the server stops at once)."""

    def __init__(self, mode: str = "ok", api_key: str | None = None, *, fail_first: int = 0, keep_alive: bool = True,
                 tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls  # serve HTTPS with this server-side context
        self.mode = mode
        self.api_key = api_key
        self.keep_alive = keep_alive
        self.requests: list[tuple[str, str, Any]] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._failed = 0
        self._fail_first = fail_first
        self._threads: list[threading.Thread] = []
        self._server: _Server | None = None
        self._serving: threading.Thread | None = None

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}; one of {', '.join(MODES)}")
        self._mode = mode

    @property
    def fail_first(self) -> int:
        """How many completion requests fail (modes busy and reset); setting it starts the count again."""
        return self._fail_first

    @fail_first.setter
    def fail_first(self, count: int) -> None:
        with self._lock:
            self._fail_first, self._failed = count, 0

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fault server is not running (use it in a with block)")
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self._server.server_port}"

    def posts(self, path: str) -> list[Any]:
        """The bodies of the POST requests to ``path`` so far."""
        with self._lock:
            return [body for method, p, body in self.requests if method == "POST" and p == path]

    def idle(self, timeout: float) -> bool:
        """Wait until no request is being handled (every client has gone); False if some still is."""
        deadline = time.monotonic() + timeout
        for thread in self._handlers():
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._handlers())

    def _handlers(self) -> list[threading.Thread]:
        with self._lock:
            return list(self._threads)

    def _track(self, thread: threading.Thread) -> None:
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _record(self, method: str, path: str, body: Any) -> None:
        with self._arrived:
            self.requests.append((method, path, body))
            self._arrived.notify_all()

    def wait_requests(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` requests have come (their bodies read); False if they did not in time."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def _fail_now(self) -> bool:
        with self._lock:
            if self._failed < self._fail_first:
                self._failed += 1
                return True
            return False

    def __enter__(self) -> FaultServer:
        self.release.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fault = self
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                         name="fault-server", daemon=True)
        self._serving.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.release.set()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._serving is not None:
            self._serving.join(5)
        self.idle(5)
