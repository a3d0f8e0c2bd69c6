"""What a server provides, asked of it: "Test connection" and what a remote engine opens with.

Each answer comes from a real request (a one-token completion for logprobs, the tokenize
endpoints each server kind has), so a server that accepts a field and ignores it is not counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.engine.remote.endpoint import Endpoint
from workbench.engine.remote.http import Connection
from workbench.errors import RemoteError

TOP_TRIES = (100, 20, 10, 5, 1)  # the largest top-logprobs count a server takes, tried from the top


@dataclass
class Capabilities:
    """The ``endpoints test --json`` object (and what the engine knows of its server)."""

    reachable: bool
    models: list[str] = field(default_factory=list)
    logprobs: bool = False
    top_logprobs_max: int = 0
    prompt_logprobs: bool = False
    tokenize: str | None = None  # which endpoint: "llama.cpp" (/tokenize), "vllm" (/tokenize), "llama-cpp-python" (/extras/tokenize)
    server: str = "openai-compatible"  # llama.cpp | vllm | ollama | llama-cpp-python | openai-compatible
    n_ctx: int | None = None
    chat_template: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("chat_template")
        return data


def list_models(conn: Connection) -> tuple[list[str], dict[str, Any]]:
    reply = conn.get("/v1/models")
    data = reply.get("data") if isinstance(reply, dict) else None
    if not isinstance(data, list):
        raise RemoteError(f"{conn.endpoint.name} answered /v1/models without a model list: is it an OpenAI-compatible server?")
    models = {str(m["id"]): m for m in data if isinstance(m, dict) and "id" in m}
    return list(models), models


def _try(conn: Connection, method: str, path: str, body: Any = None) -> Any | None:
    try:
        return conn.get(path) if method == "GET" else conn.post(path, body)
    except RemoteError:
        return None


def server_kind(conn: Connection, model: str) -> tuple[str, str | None, int | None, str | None]:
    """(kind, tokenize endpoint, context size, chat template) from the endpoints each kind has."""
    props = _try(conn, "GET", "/props")
    if isinstance(props, dict) and ("default_generation_settings" in props or "n_ctx" in props):
        settings = props.get("default_generation_settings") or {}
        n_ctx = settings.get("n_ctx") or props.get("n_ctx")
        template = props.get("chat_template") if isinstance(props.get("chat_template"), str) else None
        return "llama.cpp", "llama.cpp", n_ctx if isinstance(n_ctx, int) else None, template
    version = _try(conn, "GET", "/version")
    if isinstance(version, dict) and "version" in version:
        probe = _try(conn, "POST", "/tokenize", {"model": model, "prompt": "a"})
        n_ctx = probe.get("max_model_len") if isinstance(probe, dict) else None
        return "vllm", "vllm" if isinstance(probe, dict) and "tokens" in probe else None, n_ctx, None
    if isinstance(_try(conn, "GET", "/api/version"), dict):
        return "ollama", None, None, None
    extras = _try(conn, "POST", "/extras/tokenize", {"input": "a", "model": model})
    if isinstance(extras, dict) and isinstance(extras.get("tokens"), list):
        return "llama-cpp-python", "llama-cpp-python", None, None
    return "openai-compatible", None, None, None


def _logprob_counts(conn: Connection, model: str, echo: bool, k: int) -> tuple[int, int] | None:
    """(tokens with a logprob, alternatives at the first) of a one-token completion, or None if refused."""
    body = {"model": model, "prompt": "The quick brown fox", "max_tokens": 1, "temperature": 0, "logprobs": k}
    if echo:
        body["echo"] = True
    reply = _try(conn, "POST", "/v1/completions", body)
    try:
        logprobs = reply["choices"][0]["logprobs"]
    except (TypeError, KeyError, IndexError):
        return None
    if not isinstance(logprobs, dict):
        return (0, 0)
    values = [v for v in logprobs.get("token_logprobs") or [] if isinstance(v, (int, float))]
    tops = [t for t in logprobs.get("top_logprobs") or [] if isinstance(t, dict)]
    return len(values), max((len(t) for t in tops), default=0)


def probe(endpoint: Endpoint, model: str | None = None) -> Capabilities:
    """Ask the server what it provides (for ``model``, or its first one). Never raises for the
    server's sake: an unreachable one is ``reachable: false`` with the reason in ``error``."""
    conn = Connection(endpoint)
    try:
        models, _ = list_models(conn)
    except RemoteError as e:
        return Capabilities(reachable=False, error=str(e))
    found = Capabilities(reachable=True, models=models)
    if endpoint.unencrypted_remote:
        found.warnings.append(f"{endpoint.url} is plain HTTP to another machine: prompts and outputs travel unencrypted.")
    chosen = model or (models[0] if models else None)
    if chosen is None:
        found.error = "the server lists no models"
        return found
    found.server, found.tokenize, found.n_ctx, found.chat_template = server_kind(conn, chosen)
    for k in TOP_TRIES:
        counts = _logprob_counts(conn, chosen, False, k)
        if counts is None:
            continue
        found.logprobs = counts[0] > 0
        found.top_logprobs_max = min(k, counts[1]) if found.logprobs else 0
        break
    echoed = _logprob_counts(conn, chosen, True, 1) if found.logprobs else None
    found.prompt_logprobs = echoed is not None and echoed[0] > 2  # the prompt's own tokens came back scored
    if found.prompt_logprobs and found.server == "llama-cpp-python":
        # It scores each echoed token with the distribution that follows it, not the one before
        # (its logprobs are one position off): numbers that look right and are not.
        found.prompt_logprobs = False
        found.warnings.append("llama-cpp-python's server scores echoed prompt tokens one position off, so its prompt "
                              "logprobs are not used (surprisal and label scores on a remote model need a server that "
                              "scores prompts, such as vLLM).")
    return found
