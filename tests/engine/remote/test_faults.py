"""The remote engine against servers that fail: refused connections, keys, unknown models, context
overflows, stalled, malformed, endless and cut-off streams, busy servers and resets, a cancel.

Real sockets throughout (``tests.helpers.fault_server``, a stdlib server that misbehaves on
purpose); nothing of ours is mocked. Where retries would wait, the connection's ``sleep`` records
the waits instead. Streams run both over HTTP/1.1 with chunked encoding (llama.cpp, vLLM) and over
an HTTP/1.0-style ``Connection: close`` reply (a simple server, some proxies) where the two differ.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.helpers.fault_server import LOGPROBS, MODEL, OTHER, OTHER_GAP, TOKENS, FaultServer
from workbench.engine.remote.backend import OVERRUN, RemoteEngine
from workbench.engine.remote.capabilities import Capabilities
from workbench.engine.remote.endpoint import Endpoint
from workbench.engine.remote.http import Connection
from workbench.errors import RemoteError
from workbench.values.params import GenerateParams, SamplerParams
from workbench.values.results import GenerationResult
from workbench.values.tokens import TokenEvent

KEY = "sk-fault-secret-7731"
WRONG_KEY = "sk-not-it-0042"
PROMPT = "Count:"
CHAT_PROMPT = "<|im_start|>user\nCount to five.<|im_end|>\n<|im_start|>assistant\n"
QUICK_S = 5.0  # what "quickly" means here: a stall or a cancel is noticed well within this

both_framings = pytest.mark.parametrize("keep_alive", [True, False], ids=["chunked", "connection-close"])
both_apis = pytest.mark.parametrize("server_chat", [False, True], ids=["completions", "chat"])


def free_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def caps(logprobs: bool = True) -> Capabilities:
    """What a probe of the fault server finds (given, so a test makes no probing requests)."""
    return Capabilities(reachable=True, models=[MODEL], logprobs=logprobs, top_logprobs_max=5 if logprobs else 0)


def params(max_tokens: int = 16, server_chat: bool = False, top_logprobs: int = 5) -> GenerateParams:
    return GenerateParams(CHAT_PROMPT if server_chat else PROMPT, SamplerParams(temperature=0.0, seed=1),
                          max_tokens=max_tokens, top_logprobs=top_logprobs, server_chat=server_chat)


def engine_for(server: FaultServer, *, waits: list[float] | None = None, **endpoint: object) -> RemoteEngine:
    """An opened engine on the server's model (probing skipped); backoff waits go to ``waits``."""
    point = Endpoint("faulty", server.url, **endpoint)  # type: ignore[arg-type]
    engine = RemoteEngine(point, MODEL, capabilities=caps())
    if waits is not None:
        engine.connection = Connection(point, sleep=waits.append)
    engine.open()
    return engine


def drain(stream: Iterator[TokenEvent], into: list[TokenEvent]) -> None:
    for token in stream:
        into.append(token)


def texts(result: GenerationResult) -> list[str]:
    return [t.text for t in result.tokens]


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


# -- reaching the server ----------------------------------------------------------------------


def test_a_refused_connection_says_so_and_names_the_address() -> None:
    point = Endpoint("nobody", f"http://127.0.0.1:{free_port()}")
    connection = Connection(point, sleep=lambda s: None)
    with pytest.raises(RemoteError) as caught:
        connection.get("/v1/models")
    message = str(caught.value)
    assert "refused" in message and point.url in message
    assert connection.retries == 0  # nothing listens: retrying would only delay the answer


def test_a_server_that_needs_a_key_says_so_without_one() -> None:
    with FaultServer(api_key=KEY) as server:
        connection = Connection(Endpoint("locked", server.url))
        with pytest.raises(RemoteError) as caught:
            connection.get("/v1/models")
        assert caught.value.status == 401
        assert "needs an API key" in str(caught.value) and KEY not in str(caught.value)


def test_a_wrong_key_is_refused_and_never_shown() -> None:
    with FaultServer(api_key=KEY) as server:
        engine = RemoteEngine(Endpoint("locked", server.url, api_key=WRONG_KEY), MODEL, capabilities=caps())
        with pytest.raises(RemoteError) as caught:
            engine.open()
        message = str(caught.value)
        assert caught.value.status == 401 and "refused the API key" in message
        assert WRONG_KEY not in message and KEY not in message and WRONG_KEY not in repr(engine.endpoint)
        # and a streamed request with it fails the same way
        with pytest.raises(RemoteError) as streamed:
            engine.generate(params()).result()
        assert streamed.value.status == 401 and WRONG_KEY not in str(streamed.value)


def test_the_right_key_is_sent_and_accepted() -> None:
    with FaultServer(api_key=KEY) as server:
        result = engine_for(server, api_key=KEY).generate(params()).result()
        assert result.text == "".join(TOKENS)


def test_an_unknown_model_lists_the_ones_the_server_has(server: FaultServer) -> None:
    engine = RemoteEngine(Endpoint("faulty", server.url), "no-such-model", capabilities=caps())
    with pytest.raises(RemoteError) as caught:
        engine.open()
    assert "no-such-model" in str(caught.value) and MODEL in str(caught.value)
    assert server.posts("/v1/completions") == []  # it stopped at the model list


def test_a_completion_for_a_model_the_server_lacks_keeps_the_servers_words(server: FaultServer) -> None:
    with pytest.raises(RemoteError) as caught:
        Connection(Endpoint("faulty", server.url)).post("/v1/completions", {"model": "gone", "prompt": "x"})
    assert caught.value.status == 404 and "The model `gone` does not exist." in str(caught.value)


def test_open_probes_the_server(server: FaultServer) -> None:
    engine = RemoteEngine(Endpoint("faulty", server.url), MODEL)
    loaded = engine.open()
    found = engine.capabilities
    assert found is not None and found.reachable and found.models == [MODEL]
    assert found.logprobs and found.top_logprobs_max == 2  # the server lists two alternatives
    assert found.server == "openai-compatible" and found.tokenize is None and not found.prompt_logprobs
    assert not any("per-token probabilities" in w for w in loaded.warnings)
    assert engine.generate(params()).result().text == "".join(TOKENS)


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["context", "context_openai"])
@both_apis
def test_a_context_overflow_is_marked_and_explained(server: FaultServer, mode: str, server_chat: bool) -> None:
    server.mode = mode
    engine = engine_for(server)
    with pytest.raises(RemoteError) as caught:
        engine.generate(params(server_chat=server_chat)).result()
    error = caught.value
    assert error.context and error.status == 400 and not error.stalled and not error.closed
    message = str(error)
    if mode == "context":
        assert "5000" in message and "4096" in message  # llama.cpp's numbers, beside its message
    else:
        assert "maximum context length is 2048 tokens" in message
    assert len(server.posts("/v1/chat/completions" if server_chat else "/v1/completions")) == 1  # not retried


def test_a_busy_server_is_retried_until_it_answers(server: FaultServer) -> None:
    server.mode, server.fail_first = "busy", 2
    waits: list[float] = []
    engine = engine_for(server, waits=waits)
    result = engine.generate(params()).result()
    assert texts(result) == list(TOKENS) and result.done is not None and result.done.finish_reason == "stop"
    assert engine.connection.retries == 2 and waits == [0.0, 0.0]  # the server's Retry-After: 0
    assert len(server.posts("/v1/completions")) == 3


def test_a_server_that_stays_busy_is_reported_busy(server: FaultServer) -> None:
    server.mode, server.fail_first = "busy", 2
    waits: list[float] = []
    engine = engine_for(server, waits=waits, max_retries=1)
    with pytest.raises(RemoteError) as caught:
        engine.generate(params()).result()
    assert caught.value.status == 503 and "busy" in str(caught.value)
    assert engine.connection.retries == 1 and len(server.posts("/v1/completions")) == 2


def test_a_reset_before_any_reply_is_retried(server: FaultServer) -> None:
    server.mode, server.fail_first = "reset", 1
    waits: list[float] = []
    engine = engine_for(server, waits=waits)
    result = engine.generate(params()).result()
    assert texts(result) == list(TOKENS)
    assert engine.connection.retries == 1 and len(waits) == 1 and waits[0] > 0  # a backoff, not a hammering
    assert len(server.posts("/v1/completions")) == 2


def test_a_reset_on_a_plain_request_is_retried_too(server: FaultServer) -> None:
    server.mode, server.fail_first = "reset", 2
    connection = Connection(Endpoint("faulty", server.url), sleep=lambda s: None)
    reply = connection.post("/v1/completions", {"model": MODEL, "prompt": PROMPT, "max_tokens": 2})
    assert reply["choices"][0]["text"] == TOKENS[0] + TOKENS[1] and connection.retries == 2


# -- streams ----------------------------------------------------------------------------------


@both_apis
def test_keep_alive_comments_are_skipped_and_logprobs_kept_as_sent(server: FaultServer, server_chat: bool) -> None:
    result = engine_for(server).generate(params(server_chat=server_chat)).result()
    assert texts(result) == list(TOKENS) and result.text == " one two three four five"
    assert [t.logprob for t in result.tokens] == list(LOGPROBS)
    for token, logprob in zip(result.tokens, LOGPROBS):
        assert [(a.text, a.logprob) for a in token.top] == [(token.text, logprob), (OTHER, logprob - OTHER_GAP)]
        assert token.top[0].id == token.id
    assert result.done is not None and result.done.finish_reason == "stop" and result.done.completion_tokens == 5
    body = server.posts("/v1/chat/completions" if server_chat else "/v1/completions")[0]
    assert body["stream"] is True and body["logprobs"]


def test_max_tokens_reached_ends_with_length(server: FaultServer) -> None:
    result = engine_for(server).generate(params(max_tokens=3)).result()
    assert texts(result) == list(TOKENS[:3]) and result.done is not None and result.done.finish_reason == "length"


@both_apis
def test_a_server_without_logprobs_gives_tokens_without_numbers(server: FaultServer, server_chat: bool) -> None:
    server.mode = "no_logprobs"
    result = engine_for(server).generate(params(server_chat=server_chat)).result()
    assert texts(result) == list(TOKENS)
    assert all(math.isnan(t.logprob) for t in result.tokens)  # "not provided", never a made-up number
    assert all(t.top == [] for t in result.tokens)
    body = server.posts("/v1/chat/completions" if server_chat else "/v1/completions")[0]
    assert body["logprobs"]  # they were asked for


@both_framings
def test_a_stalled_stream_times_out_and_keeps_what_came(keep_alive: bool) -> None:
    with FaultServer("stall", keep_alive=keep_alive) as server:
        engine = engine_for(server, idle_timeout_s=0.5)
        stream = engine.generate(params())
        got: list[TokenEvent] = []
        started = time.monotonic()
        with pytest.raises(RemoteError) as caught:
            drain(stream, got)
        assert time.monotonic() - started < QUICK_S
        assert caught.value.stalled and not caught.value.closed and "0.5 s" in str(caught.value)
        assert [t.text for t in got] == list(TOKENS[:2]) and texts(stream.partial()) == list(TOKENS[:2])
        assert stream.partial().done is None and not engine.in_flight


@both_framings
def test_cancel_from_another_thread_ends_a_stalled_stream(keep_alive: bool) -> None:
    with FaultServer("stall", keep_alive=keep_alive) as server:
        engine = engine_for(server, idle_timeout_s=60.0)  # the cancel, not the idle timeout, must end it
        stream = engine.generate(params())
        cancel = threading.Thread(target=engine.cancel)
        started = time.monotonic()
        for token in stream:
            if len(stream.tokens) == 2:
                cancel.start()
        cancel.join(QUICK_S)
        result = stream.result()
        assert time.monotonic() - started < QUICK_S
        assert result.done is not None and result.done.finish_reason == "cancelled"
        assert texts(result) == list(TOKENS[:2]) and not engine.in_flight


@both_framings
def test_cancel_while_waiting_for_the_reply_is_not_retried(keep_alive: bool) -> None:
    with FaultServer("stall", keep_alive=keep_alive) as server:  # a request that is not streamed gets no reply
        engine = engine_for(server)
        engine.connection = Connection(engine.endpoint)  # real backoff waits: a retry would show in the time

        def cancel_once_asked() -> None:
            if server.wait_requests(2, QUICK_S):  # GET /v1/models, then the POST
                engine.cancel()

        cancel = threading.Thread(target=cancel_once_asked)
        started = time.monotonic()
        cancel.start()
        assert engine.next_token(params(server_chat=False)) is None  # cancelled: no distribution, no error
        cancel.join(QUICK_S)
        assert time.monotonic() - started < QUICK_S
        assert len(server.posts("/v1/completions")) == 1 and engine.connection.retries == 0


def test_a_malformed_event_is_reported_and_the_good_token_kept(server: FaultServer) -> None:
    server.mode = "malformed"
    stream = engine_for(server).generate(params())
    got: list[TokenEvent] = []
    with pytest.raises(RemoteError) as caught:
        drain(stream, got)
    assert "malformed" in str(caught.value) and "{not json" in str(caught.value)
    assert [t.text for t in got] == [TOKENS[0]] and texts(stream.partial()) == [TOKENS[0]]
    assert got[0].logprob == LOGPROBS[0]


def test_an_endless_stream_is_cut_off(server: FaultServer) -> None:
    server.mode = "endless"
    result = engine_for(server).generate(params(max_tokens=8)).result()
    assert result.done is not None and result.done.finish_reason == "length"
    assert 8 <= len(result.tokens) <= 8 + OVERRUN
    assert server.idle(QUICK_S)  # the server saw the client go: its handler ended


@both_framings
def test_a_connection_closed_mid_stream_keeps_what_came(keep_alive: bool) -> None:
    with FaultServer("close_mid", keep_alive=keep_alive) as server:
        stream = engine_for(server).generate(params())
        got: list[TokenEvent] = []
        with pytest.raises(RemoteError) as caught:
            drain(stream, got)
        assert caught.value.closed and not caught.value.stalled
        assert [t.text for t in got] == list(TOKENS[:3]) and texts(stream.partial()) == list(TOKENS[:3])


def test_a_reply_cut_short_on_a_plain_request(server: FaultServer) -> None:
    server.mode = "close_mid"
    with pytest.raises(RemoteError) as caught:
        Connection(Endpoint("faulty", server.url)).post("/v1/completions", {"model": MODEL, "prompt": PROMPT})
    assert "middle of its reply" in str(caught.value)


def test_the_mode_can_change_between_requests(server: FaultServer) -> None:
    engine = engine_for(server)
    server.mode = "context"
    with pytest.raises(RemoteError):
        engine.generate(params()).result()
    server.mode = "ok"
    assert engine.generate(params()).result().text == "".join(TOKENS)
