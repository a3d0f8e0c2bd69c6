"""Big vocabularies (Gemma 3 270M: 262,144 tokens) at full speed, with the exact numbers.

The engine avoids sorting, float64 passes and copies of whole rows; these tests hold what it
shows to a brute-force computation that does all of them: the next-token distribution and its
sampler stages against a full stable sort in float64, perplexity's batch reduction against numpy,
and the scores of a text against llama.cpp's own logits for the same batch.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from tests.helpers.models import gemma_model_path
from workbench.engine import decoding, sampling
from workbench.engine.llamacpp.session import LlamaSession, scoring_rows
from workbench.values.params import GenerateParams, LoadParams, SamplerParams

PROMPT = "The lighthouse keeper opened the bottle and read"
GEMMA_VOCAB = 262_144

SAMPLERS = [
    SamplerParams(),  # top-k 40, top-p 0.95, min-p 0.05
    SamplerParams(top_k=0),
    SamplerParams(top_k=0, top_p=0.5, min_p=0.0),
    SamplerParams(top_k=0, top_p=0.99, min_p=0.0),
    SamplerParams(top_k=0, top_p=1.0, min_p=0.0),  # nothing cut: every token can be drawn
    SamplerParams(top_k=0, top_p=1.0, min_p=1e-4),
    SamplerParams(top_k=5000, top_p=0.9, min_p=0.0),
    SamplerParams(temperature=1.3, top_k=0, top_p=0.9, min_p=0.01, repeat_penalty=1.3),
    SamplerParams(temperature=0.0),
]


def never() -> bool:
    return False


@pytest.fixture(scope="module")
def gemma() -> Iterator[LlamaSession]:
    with LlamaSession(LoadParams(path=str(gemma_model_path()), n_ctx=512), []) as s:
        assert s.n_vocab == GEMMA_VOCAB
        yield s


def _brute_force_stages(row: np.ndarray, params: SamplerParams, history: list[int]) -> tuple[list[tuple[str, int]], dict[int, float]]:
    """The sampler chain the slow way: the whole vocabulary sorted, float64 throughout. The
    survivors' counts per stage, and the kept ids' probability of being drawn."""
    z = sampling.apply_repeat_penalty(row, history, params).astype(np.float64)
    if params.temperature == 0:
        return [("greedy", 1)], {int(np.argmax(z)): 1.0}
    order = np.argsort(-z, kind="stable")
    stages = []
    if 0 < params.top_k < len(z):
        order = order[: params.top_k]
        stages.append(("top_k", len(order)))
    if params.top_p < 1.0:
        p = np.exp(z[order] - z[order].max())
        cumulative = np.cumsum(p / p.sum())
        order = order[: max(1, min(int(np.searchsorted(cumulative, params.top_p)) + 1, len(order)))]
        stages.append(("top_p", len(order)))
    if params.min_p > 0.0:
        order = order[z[order] >= z.max() + np.log(params.min_p)]
        stages.append(("min_p", len(order)))
    logits = z[order] / params.temperature
    probs = np.exp(logits - logits.max())
    return stages, dict(zip(order.tolist(), (probs / probs.sum()).tolist()))


@pytest.fixture(scope="module")
def evaluated(gemma: LlamaSession) -> tuple[decoding.NextToken, np.ndarray, list[int]]:
    staged = decoding.NextToken()
    assert staged.evaluate(gemma, GenerateParams(PROMPT), 20, never) is not None
    row = gemma.last_logits().copy()
    return staged, row, gemma.tokenize(PROMPT)


def test_next_token_logprobs_and_entropy_are_exact(gemma: LlamaSession, evaluated: tuple[decoding.NextToken, np.ndarray, list[int]]) -> None:
    staged, row, _ = evaluated
    dist = staged.restage(gemma, SamplerParams(), 50)
    wide = row.astype(np.float64)
    logp = wide - (np.log(np.exp(wide - wide.max()).sum()) + wide.max())
    expected = np.argsort(-wide, kind="stable")[:50]
    assert [t.id for t in dist.tokens] == expected.tolist()
    assert [t.logprob for t in dist.tokens] == pytest.approx(logp[expected].tolist(), abs=1e-5)
    assert dist.entropy == pytest.approx(float(-(np.exp(logp) * logp).sum()), abs=1e-4)
    assert sum(t.prob for t in dist.tokens) + dist.mass_outside == pytest.approx(1.0, abs=1e-6)
    assert dist.stages[0] == {"stage": "vocabulary", "kept": GEMMA_VOCAB}


@pytest.mark.parametrize("params", SAMPLERS, ids=lambda p: f"k{p.top_k}-p{p.top_p}-m{p.min_p}-t{p.temperature}-r{p.repeat_penalty}")
def test_sampler_stages_match_a_full_sort(
    gemma: LlamaSession, evaluated: tuple[decoding.NextToken, np.ndarray, list[int]], params: SamplerParams
) -> None:
    staged, row, history = evaluated
    dist = staged.restage(gemma, params, 200)
    stages, final = _brute_force_stages(row, params, history)
    assert [(s["stage"], s["kept"]) for s in dist.stages[1:]] == stages
    assert dist.n_kept == (stages[-1][1] if stages else GEMMA_VOCAB)
    for token in dist.tokens:
        assert token.kept == (token.id in final or not stages), token
        assert token.final_prob == pytest.approx(final.get(token.id, 0.0) if stages else final[token.id], rel=1e-4, abs=1e-9)
    # Which stage cut a token: the first whose survivors it is not among.
    cut = [t.cut_by for t in dist.tokens if not t.kept]
    assert all(stage in {name for name, _ in stages} for stage in cut)


def test_restage_gives_what_evaluate_gave_and_needs_no_cache(gemma: LlamaSession) -> None:
    staged = decoding.NextToken()
    params = GenerateParams(PROMPT, SamplerParams(top_k=0, top_p=0.9))
    first = staged.evaluate(gemma, params, 20, never)
    gemma.forget()
    assert staged.restage(gemma, params.sampler, 20) == first
    wider = staged.restage(gemma, params.sampler, 300)  # more than the capture kernel keeps
    assert [t.id for t in wider.tokens[:20]] == [t.id for t in first.tokens]
    assert [t.logprob for t in wider.tokens[:20]] == [t.logprob for t in first.tokens]


def test_scores_of_a_text_match_llama_cpps_own_logits(gemma: LlamaSession) -> None:
    """Against llama-cpp-python's ``logits_all`` on the same batch (one position at a time gives
    other numbers: up to 0.25 nats on Gemma), log-softmax in float64."""
    import llama_cpp

    text = "The keeper climbed the stairs, lit the lamp and watched the ships pass in the night."
    ids = gemma.tokenize(text)
    scores = gemma.token_logprobs(ids, never)
    assert scores is not None and scores[0] is None
    llm = llama_cpp.Llama(str(gemma_model_path()), n_ctx=64, n_batch=64, logits_all=True, flash_attn=False, verbose=False)
    try:
        llm.eval(ids)
        wide = np.array(llm.scores[: len(ids)], dtype=np.float64)
    finally:
        llm.close()
    peak = wide.max(axis=1, keepdims=True)
    logp = wide - (np.log(np.exp(wide - peak).sum(axis=1, keepdims=True)) + peak)
    expected = [logp[i, ids[i + 1]] for i in range(len(ids) - 1)]
    assert scores[1:] == pytest.approx(expected, abs=2e-3)


def test_scoring_memory_is_a_batch_of_rows_not_the_context() -> None:
    rows = scoring_rows(512, GEMMA_VOCAB, 0)
    assert rows == 64 and rows * GEMMA_VOCAB * 4 == 64 * 2**20


# -- the batch reduction on vocabulary-sized rows -------------------------------------------


@pytest.fixture(params=["C extension", "numpy"])
def reduction(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "numpy":
        monkeypatch.setattr(sampling, "_capture", None)
    else:
        assert sampling._capture is not None, "the _capture C extension was not built: make install builds it"
    return str(request.param)


def _exact_scores(rows: np.ndarray, targets: list[int]) -> list[float]:
    wide = rows[: len(targets)].astype(np.float64)
    peak = wide.max(axis=1, keepdims=True)
    lse = (np.log(np.exp(wide - peak).sum(axis=1, keepdims=True)) + peak)[:, 0]
    return (wide[np.arange(len(targets)), targets] - lse).tolist()


def test_score_rows_on_vocabulary_rows(reduction: str) -> None:
    from workbench.engine.llamacpp import kernels

    rng = np.random.default_rng(4)
    rows = (rng.normal(scale=4, size=(5, GEMMA_VOCAB)) + np.array([[0.0], [30.0], [-60.0], [0.0], [5.0]])).astype(np.float32)
    rows[3, :1000] = -np.inf  # masked tokens
    targets = [7, 262_143, 0, 2000]  # one row more than targets: the last row predicts nothing
    scratch = np.empty(GEMMA_VOCAB, dtype=np.float32)
    for address in (kernels.exp_sum_address, 0):
        got = sampling.score_rows(rows, targets, scratch, kernels.exp_sum, address)
        assert got == pytest.approx(_exact_scores(rows, targets), abs=1e-4)


def test_score_rows_hands_a_row_with_nan_to_numpy() -> None:
    rows = np.random.default_rng(5).normal(size=(2, 1000)).astype(np.float32)
    rows[1, 3] = np.nan
    scores = sampling.score_rows(rows, [1, 2], np.empty(1000, dtype=np.float32))
    assert scores[0] == pytest.approx(_exact_scores(rows[:1], [1])[0], abs=1e-5)
    assert np.isnan(scores[1])
