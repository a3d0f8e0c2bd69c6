"""The remote engine against a real server: llama-cpp-python's own, on loopback, with the bundled
model (the ``llama_server_url`` fixture), compared with the local engine on the same model.

Both sides evaluate the prompt in one batch with flash attention off, so their numbers agree
closely; llama.cpp's results still depend slightly on how a prompt is split (see README), hence
a tolerance of 0.05 nats rather than equality."""

from __future__ import annotations

import math

import pytest

from workbench.engine.client import EngineClient
from workbench.engine.remote.backend import RemoteEngine
from workbench.engine.remote.endpoint import Endpoint
from workbench.errors import RemoteError
from workbench.values.params import GenerateParams, SamplerParams

PROMPT = "The capital of France is"
GREEDY = SamplerParams(temperature=0.0, top_k=40, top_p=0.95, min_p=0.05, seed=7)


@pytest.fixture(scope="module")
def remote(llama_server_url: str) -> RemoteEngine:
    engine = RemoteEngine(Endpoint("lab", llama_server_url), "smollm2")
    engine.open()
    return engine


def test_open_reports_what_the_server_provides(remote: RemoteEngine) -> None:
    caps = remote.capabilities
    assert caps is not None and caps.reachable and caps.models == ["smollm2"]
    assert caps.logprobs and caps.top_logprobs_max >= 20
    assert caps.server == "llama-cpp-python" and caps.tokenize == "llama-cpp-python"
    assert remote.loaded is not None and remote.loaded.backend.startswith("remote http://127.0.0.1:")
    assert remote.loaded.path == "lab/smollm2"


def test_greedy_tokens_and_top_logprobs_agree_with_the_local_engine(remote: RemoteEngine, engine: EngineClient) -> None:
    params = GenerateParams(PROMPT, GREEDY, max_tokens=12, top_logprobs=5)
    local = engine.generate(params).result()
    far = remote.generate(params).result()
    assert [t.text for t in far.tokens] == [t.text for t in local.tokens]
    assert far.text == local.text and far.done is not None and far.done.finish_reason == "length"
    for near_token, far_token in zip(local.tokens, far.tokens):
        assert abs(near_token.logprob - far_token.logprob) < 0.05
        near_top = {a.text: a.logprob for a in near_token.top}
        far_top = {a.text: a.logprob for a in far_token.top}
        assert len(far_top) == 5
        for text, logprob in far_top.items():
            if text in near_top:  # two tokens with one text are one entry on the server's side
                assert abs(near_top[text] - logprob) < 0.05, text
    assert far.done.prompt_tokens == local.done.prompt_tokens  # counted by the server's tokenizer


def test_stop_strings_and_seeded_sampling_repeat(remote: RemoteEngine) -> None:
    params = GenerateParams("Count: one, two, three,", SamplerParams(temperature=0.9, seed=42), max_tokens=16, stop=["five"])
    first = remote.generate(params).result()
    second = remote.generate(params).result()
    assert first.text == second.text  # the server's sampler honours the seed
    assert "five" not in first.text


def test_next_token_distribution_matches_the_local_one(remote: RemoteEngine, engine: EngineClient) -> None:
    params = GenerateParams(PROMPT, SamplerParams(temperature=0.8, top_k=3, top_p=1.0, min_p=0.0))
    near = engine.next_token(params, top_n=10)
    far = remote.next_token(params, top_n=10)
    assert near is not None and far is not None
    assert [t.text for t in far.tokens[:5]] == [t.text for t in near.tokens[:5]]
    for a, b in zip(near.tokens[:5], far.tokens[:5]):
        assert abs(a.logprob - b.logprob) < 0.05
    assert [t.kept for t in far.tokens[:4]] == [True, True, True, False]
    assert far.tokens[3].cut_by == "top_k"
    assert math.isnan(far.entropy)  # the server lists ten tokens, not the vocabulary: no entropy shown
    again = remote.restage(SamplerParams(temperature=0.0), top_n=10)
    assert [t.kept for t in again.tokens[:2]] == [True, False]


def test_prompt_logprobs_a_server_gets_wrong_are_refused_not_shown(remote: RemoteEngine, engine: EngineClient) -> None:
    """llama-cpp-python's server scores each echoed token with the row after it: the probe says
    so, and surprisal and label scores say the server does not provide them."""
    caps = remote.capabilities
    assert caps is not None and not caps.prompt_logprobs
    assert any("one position off" in w for w in caps.warnings)
    with pytest.raises(RemoteError, match="does not provide prompt logprobs"):
        remote.surprisal("The cat sat on the mat.")
    with pytest.raises(RemoteError, match="does not provide prompt logprobs"):
        remote.score_continuations(GenerateParams("Is the sky blue? Answer:", GREEDY), [" yes", " no"])


def test_tokenize_uses_the_servers_tokenizer(remote: RemoteEngine, engine: EngineClient) -> None:
    text = "Hello 你好, world"
    ids, pieces, _ = remote.tokenize_pieces(text, add_special=False)
    near = engine.tokenize(text, add_special=False)
    assert ids == [i for i, _ in near]
    # Whole-character pieces come back exact; a piece that is part of a character the server
    # cannot detokenize alone is marked as unknown, never given other bytes.
    for i, raw in near:
        assert pieces[i] == raw or pieces[i] == "\ufffd".encode()
    assert pieces[near[0][0]] == near[0][1] == b"Hello"


def test_chat_goes_to_the_chat_endpoint_with_the_messages(remote: RemoteEngine, engine: EngineClient) -> None:
    from workbench.prompts.chat import ChatMessage
    from workbench.prompts.chat_formats import FormatChoice, choose_format

    server = choose_format(FormatChoice(), gguf_template=None, server=True)
    assert server.name == "server"
    transcript = server.render([ChatMessage("user", "What is 2+2?")])
    params = GenerateParams(transcript, GREEDY, max_tokens=10, top_logprobs=3, parse_special=True, server_chat=True)
    far = remote.generate(params).result()
    # The server renders SmolLM2's own template, as the local engine does with the file's template.
    from workbench.models.info import model_info
    from workbench.models.bundled import bundled_model_path

    info = model_info(bundled_model_path())
    local_format = choose_format(FormatChoice(), gguf_template=info.chat_template)
    near = engine.generate(GenerateParams(local_format.render([ChatMessage("user", "What is 2+2?")]), GREEDY, max_tokens=10,
                                          top_logprobs=3, parse_special=True)).result()
    assert far.text == near.text and far.tokens and all(len(t.top) == 3 for t in far.tokens)


def test_a_model_the_server_lacks_lists_the_ones_it_has(llama_server_url: str) -> None:
    with pytest.raises(RemoteError, match="has no model 'qwen'.*It has: smollm2"):
        RemoteEngine(Endpoint("lab", llama_server_url), "qwen").open()
