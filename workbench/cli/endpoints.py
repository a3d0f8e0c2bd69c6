"""The commands about remote endpoints (OpenAI-compatible servers): add, list, test, remove."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli import options, output


def register(sub: Any) -> None:
    p = options.command(sub, "endpoints", cmd_endpoints)
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    add = options.command(verbs, "add", cmd_add)
    add.add_argument("name", help="a short name: models on it are then NAME/MODEL")
    add.add_argument("url", help="the server's address, with or without /v1 (http://host:8080)")
    add.add_argument("--api-key-file", metavar="FILE", help="read the API key from this file (kept in the keyring or a private file)")
    add.add_argument("--no-api-key", action="store_true", help="forget a key stored before")
    add.add_argument("--ca-file", metavar="FILE", help="trust this CA certificate file for this endpoint only (HTTPS)")
    add.add_argument("--connect-timeout", type=float, default=10.0, metavar="S", help="seconds to wait for a connection and a reply to start (default 10)")
    add.add_argument("--idle-timeout", type=float, default=120.0, metavar="S", help="seconds a stream may stay silent between two chunks (default 120)")
    add.add_argument("--retries", type=options.bounded(0, 10), default=3, help="retries on 429/503 and connection resets, with backoff (default 3)")
    add.add_argument("--no-test", action="store_true", help="save without trying to reach the server")
    options.add_json(add)
    listing = options.command(verbs, "list", cmd_list)
    options.add_json(listing)
    test = options.command(verbs, "test", cmd_test)
    test.add_argument("name")
    test.add_argument("--model", help="the server model to test (default: its first)")
    options.add_json(test)
    remove = options.command(verbs, "remove", cmd_remove)
    remove.add_argument("name")
    options.add_json(remove)


def cmd_endpoints(args: argparse.Namespace) -> int:
    """Remote engines: OpenAI-compatible servers (llama.cpp server, vLLM, Ollama, LM Studio).

    endpoints add NAME URL [--api-key-file F] | list | test NAME | remove NAME. A model on an
    endpoint is NAME/MODEL wherever a model file can be given (run --model lab/qwen2.5-7b).
    """
    from workbench.errors import BadInputError

    raise BadInputError("Give a verb: workbench endpoints add NAME URL | list | test NAME | remove NAME.")


def _describe(store: Any, endpoint: Any) -> dict[str, Any]:
    return {"name": endpoint.name, **endpoint.settings(), "api_key": store.has_key(endpoint.name)}


def cmd_add(args: argparse.Namespace) -> int:
    """Add (or change) an endpoint; it is tried at once unless --no-test."""
    from workbench.app.endpoints import EndpointStore, read_key_file
    from workbench.engine.remote.capabilities import probe
    from workbench.engine.remote.endpoint import Endpoint

    key = "" if args.no_api_key else None
    if args.api_key_file is not None:
        options.read_text_file(args.api_key_file, "API key file")  # a folder, a pipe, over 5 MB, not text: refused
        key = read_key_file(args.api_key_file)
    if args.ca_file is not None:
        _check_ca_file(args.ca_file)
    store = EndpointStore()
    endpoint = Endpoint(args.name, args.url, key, args.connect_timeout, args.idle_timeout, args.ca_file, args.retries)
    if endpoint.unencrypted_remote:
        output.warn(f"{endpoint.url} is plain HTTP to another machine: prompts and outputs travel unencrypted.")
    store.add(endpoint)
    found = None if args.no_test else probe(store.get(args.name))
    if args.json:
        output.print_json({**_describe(store, store.get(args.name)), **({"test": found.to_json()} if found else {})})
        return 0
    print(f"saved endpoint {args.name}: {endpoint.url}")
    if found is not None:
        _print_test(found)
    return 0


def _check_ca_file(path: str) -> None:
    """A CA file must hold PEM certificates that load; a bad one is refused when it is given, not
    at the first request."""
    import ssl

    from workbench.errors import BadInputError

    options.read_text_file(path, "CA file")
    try:
        ssl.create_default_context().load_verify_locations(cafile=path)
    except (ssl.SSLError, OSError, ValueError) as e:
        raise BadInputError(f"The CA file {path} holds no certificate that loads (PEM is wanted): {e}.") from None


def cmd_list(args: argparse.Namespace) -> int:
    """The endpoints, with where each one's key is kept (never the key)."""
    from workbench.app.endpoints import EndpointStore

    store = EndpointStore()
    endpoints = store.list()
    if args.json:
        output.print_json([_describe(store, e) for e in endpoints])
        return 0
    if not endpoints:
        print("no endpoints yet: workbench endpoints add NAME URL")
    for e in endpoints:
        key = store.has_key(e.name)
        print(f"{e.name:<16} {e.url}" + (f"  (API key in the {key})" if key != "none" else ""))
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    """Try an endpoint: reachable, its models, and whether it gives logprobs, top logprobs (up to
    how many), prompt logprobs and tokenization. Exits 2 when it cannot be reached."""
    from workbench.app.endpoints import EndpointStore
    from workbench.engine.remote.capabilities import probe

    found = probe(EndpointStore().get(args.name), args.model)
    if args.json:
        data = found.to_json()
        output.print_json({k: data[k] for k in ("reachable", "models", "logprobs", "top_logprobs_max", "prompt_logprobs", "tokenize")}
                          | {"server": data["server"], "error": data["error"], "warnings": data["warnings"]})
    else:
        _print_test(found)
    return 0 if found.reachable else 2


def _print_test(found: Any) -> None:
    if not found.reachable:
        print(f"not reachable: {found.error}")
        return
    yes = {True: "yes", False: "no"}
    print(f"reachable ({found.server}); models: {', '.join(found.models) or 'none'}")
    print(f"  token logprobs: {yes[found.logprobs]}" + (f", top {found.top_logprobs_max}" if found.logprobs else ""))
    print(f"  prompt logprobs: {yes[found.prompt_logprobs]}; tokenize: {found.tokenize or 'no'}")
    for warning in found.warnings:
        output.warn(warning)
    if found.error:
        output.warn(found.error)


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove an endpoint and its stored key."""
    from workbench.app.endpoints import EndpointStore

    EndpointStore().remove(args.name)
    if args.json:
        output.print_json({"removed": args.name})
    else:
        print(f"removed endpoint {args.name}")
    return 0
