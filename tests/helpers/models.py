"""The test models (the bundled SmolLM2, Gemma 3 270M from the cache) and a loaded model as the
application layer sees it, for in-process pipeline tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from workbench.app.model import ModelContext
from workbench.engine.client import EngineClient
from workbench.models.info import model_info


def context_of(client: EngineClient) -> ModelContext:
    """The ModelContext of the model ``client`` has loaded."""
    assert client.load_params is not None and client.loaded is not None
    return ModelContext(model_info(client.load_params.path), client.loaded)


GEMMA_FILE = Path(__file__).resolve().parents[2] / ".cache" / "models" / "gemma-3-270m-q4_k_m.gguf"


def gemma_model_path() -> Path:
    """The second test model, Gemma 3 270M (262,144-token vocabulary, no chat template inside),
    assembled by ``make test-model``; ``WORKBENCH_TEST_GEMMA`` points elsewhere. A missing file
    fails the test that needs it: a test that cannot run has not passed."""
    path = Path(os.environ.get("WORKBENCH_TEST_GEMMA", GEMMA_FILE))
    if not path.is_file():
        pytest.fail(f"the Gemma 3 270M test model is missing at {path}: run `make test-model`")
    return path


# -- both test models ------------------------------------------------------------------------

MODEL_NAMES = ("smollm2", "gemma")  # the ids of the tests that ``any_engine``/``any_model_path`` run twice


@dataclass(frozen=True)
class ModelFacts:
    """What a test model is, as the tests that use each fact check it against the real file
    (test_engine.test_load_reports_backend, the tokenizer tests)."""

    n_vocab: int
    n_layer: int
    bos_text: str
    adds_bos: bool  # the tokenizer puts BOS in front of every text
    byte_fallback: bool  # every byte has its own token: no text loses characters
    turn_markers: tuple[str, str]  # chat-turn special tokens, as written in a prompt


FACTS = {
    "smollm2": ModelFacts(49152, 30, "<|im_start|>", False, False, ("<|im_start|>", "<|im_end|>")),
    "gemma": ModelFacts(262144, 18, "<bos>", True, True, ("<start_of_turn>", "<end_of_turn>")),
}


def only(*names: str) -> pytest.MarkDecorator:
    """Run an ``any_engine``/``any_model_path`` test on these models only (a model-specific fact)."""
    assert set(names) <= set(MODEL_NAMES)
    return pytest.mark.parametrize("model_name", names, indirect=True)


# -- llama.cpp itself, the independent computation -----------------------------------------------


def llama_reference(path: Path, n_ctx: int = 2048) -> Any:
    """llama-cpp-python's own ``Llama`` in this process, loaded as the engine loads a model: the
    shared engines' context, 512-token batches, all cores, flash attention off (the engine's CPU
    default, session.cpu_flash_default). Close it (``contextlib.closing``)."""
    import llama_cpp

    return llama_cpp.Llama(str(path), n_ctx=n_ctx, n_batch=512, n_ubatch=512, flash_attn=False, verbose=False, n_threads=os.cpu_count())


def log_softmax(row: np.ndarray) -> np.ndarray:
    """A row of logits as log-probabilities, in float64."""
    row = np.asarray(row, dtype=np.float64)
    peak = row.max()
    return row - (peak + np.log(np.exp(row - peak).sum()))


def last_logits(llm: Any) -> np.ndarray:
    """A copy of llama.cpp's logits after the last token ``llm.eval`` evaluated."""
    import llama_cpp

    raw = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
    return np.ctypeslib.as_array(raw, shape=(llm.n_vocab(),)).copy()


def reference_logprobs(llm: Any, ids: list[int], rows: int) -> list[float]:
    """log p(ids[i] | ids[:i]) for i >= 1, from llama.cpp's own logits, each row normalised by
    numpy in float64. Evaluates ``ids`` from an empty cache in decodes of ``rows`` tokens with every
    position's logits out: the batches the engine scores in, so the numbers are llama.cpp's for the
    same computation (other splits move them: up to 0.22 nats on Gemma, decodes of 7 against 64
    tokens; SmolLM2 moved only for a token decoded alone). One batch of logits at a
    time, as the engine holds them (``Llama(logits_all=True)`` would keep n_ctx x n_vocab floats)."""
    import llama_cpp

    ctx, n_vocab = llm._ctx.ctx, llm.n_vocab()
    llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)
    batch = llama_cpp.llama_batch_init(rows, 0, 1)
    out: list[float] = []
    try:
        for start in range(0, len(ids), rows):
            chunk = ids[start : start + rows]
            batch.n_tokens = len(chunk)
            for i, token in enumerate(chunk):
                batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = token, start + i, 1, True
                batch.seq_id[i][0] = 0
            assert llama_cpp.llama_decode(ctx, batch) == 0
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits(ctx), shape=(len(chunk), n_vocab))
            for i, token in enumerate(ids[start + 1 : start + len(chunk) + 1]):
                out.append(float(log_softmax(logits[i])[token]))
    finally:
        llama_cpp.llama_batch_free(batch)
    return out


def reference_continuation(llm: Any, prompt: list[int], continuation: list[int]) -> list[float]:
    """log p of each token of ``continuation`` after ``prompt``, from llama.cpp's own logits
    normalised by numpy in float64: the prompt in one batch from an empty cache, then the
    continuation's tokens but its last in one more batch (the engine's evaluation of a label)."""
    import llama_cpp

    ctx, n_vocab = llm._ctx.ctx, llm.n_vocab()
    memory = llama_cpp.llama_get_memory(ctx)
    llama_cpp.llama_memory_clear(memory, True)
    batch = llama_cpp.llama_batch_init(len(prompt) + len(continuation), 0, 1)
    try:
        rows: list[np.ndarray] = []
        for start, chunk in ((0, prompt), (len(prompt), continuation[:-1])):
            if not chunk:
                continue
            batch.n_tokens = len(chunk)
            for i, token in enumerate(chunk):
                batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = token, start + i, 1, start > 0 or i == len(chunk) - 1
                batch.seq_id[i][0] = 0
            assert llama_cpp.llama_decode(ctx, batch) == 0
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits(ctx), shape=(1 if start == 0 else len(chunk), n_vocab))
            rows.extend(np.array(row, dtype=np.float64) for row in logits)
        return [float(log_softmax(row)[token]) for row, token in zip(rows, continuation)]
    finally:
        llama_cpp.llama_batch_free(batch)
        llama_cpp.llama_memory_clear(memory, True)


def start_afresh(client: EngineClient) -> None:
    """Leave nothing in ``client``'s cache that its next prompt could reuse (a one-token text without
    the start token: every prompt of a model that adds BOS shares that one), so the next prompt is
    evaluated from position 0 in one batch, as ``llama_reference`` evaluates it. Evaluated in other
    batches (BOS cached on its own, say), Gemma's logprobs move by up to ~0.2 nats."""
    from workbench.values.params import GenerateParams

    assert client.next_token(GenerateParams("\n", add_special=False), top_n=1) is not None
