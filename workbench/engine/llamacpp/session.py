"""A loaded model and its context: llama.cpp's pointers, owned and freed here.

Only the engine host process uses this module. It calls llama-cpp-python's low-level bindings
directly, reading only the last row of logits after each decode (never ``logits_all``), and
translates llama.cpp's return codes into our own errors.
"""

from __future__ import annotations

import ctypes
import os
import re
from collections.abc import Callable, Sequence
from types import TracebackType

import numpy as np

import llama_cpp
from workbench.engine.llamacpp.kernels import exp_sum, exp_sum_address
from workbench.engine.llamacpp.logs import clear_log, load_failure_reason, recent_log
from workbench.engine.llamacpp.sampler import Sampler
from workbench.engine.sampling import RowCapture, score_rows
from workbench.errors import EngineError, ModelLoadError, NoModelLoaded, PromptError
from workbench.values.params import LoadParams, SamplerParams
from workbench.values.results import LoadedModel

llama_cpp.llama_backend_init()

_NO_ABORT = llama_cpp.ggml_abort_callback()


def gpu_offload_supported() -> bool:
    return bool(llama_cpp.llama_supports_gpu_offload())


def llama_cpp_version() -> str:
    return str(getattr(llama_cpp, "__version__", "unknown"))


def cpu_flash_default(params: LoadParams) -> bool | None:
    """Flash attention as loaded: off on CPU unless asked for, else as given (None: llama.cpp decides).

    On CPU, llama.cpp's flash attention computes a token evaluated on its own differently from the
    same token at the end of a batch: the same prompt's next-token logprobs moved by up to ~0.12 nats
    here depending on what the cache held, and a seeded run did not repeat. Without it every case
    agrees, at about the same speed for small models."""
    if params.flash_attn is None and params.n_gpu_layers == 0:
        return False
    return params.flash_attn


SCORING_BYTES = 64 * 2**20


def scoring_rows(n_batch: int, n_vocab: int, n_gpu_layers: int) -> int:
    """Tokens per decode when every position needs its logits (perplexity).

    On CPU each such decode writes rows x n_vocab floats of logits, which llama.cpp copies out and
    we read once more. Up to 64 MiB of them (256 rows for SmolLM2's 49,152 tokens) the whole pass
    measured 2-4 % faster than 512-row batches here, and the buffer is half the size. With GPU
    offload large batches keep the GPU busy, so the context's batch is used as it is."""
    if n_gpu_layers != 0:
        return n_batch
    rows = max(32, SCORING_BYTES // (4 * max(1, n_vocab)))
    return max(1, min(n_batch, 1 << (rows.bit_length() - 1)))  # a power of two


def fill_scoring_batch(batch: llama_cpp.llama_batch, chunk: Sequence[int], start: int) -> None:
    """Put ``chunk`` (the tokens from position ``start``) into ``batch`` on sequence 0, asking for
    the logits of every position: the batch layout of a scoring pass."""
    batch.n_tokens = len(chunk)
    for i, token in enumerate(chunk):
        batch.token[i] = token
        batch.pos[i] = start + i
        batch.n_seq_id[i] = 1
        batch.seq_id[i][0] = 0
        batch.logits[i] = True


class LlamaSession:
    """A loaded model with one context.

    Owns both: use it as a context manager, or call ``close()`` (safe to call twice)."""

    def __init__(
        self, params: LoadParams, warnings: list[str], on_progress: Callable[[float], bool] | None = None
    ) -> None:
        """Load the model. ``on_progress(fraction)`` returning False cancels (LoadCancelled)."""
        self.params = params
        self.warnings = warnings
        self.model = None
        self.ctx = None
        clear_log()
        mparams = llama_cpp.llama_model_default_params()
        mparams.n_gpu_layers = params.n_gpu_layers
        mparams.use_mmap = params.use_mmap
        mparams.use_mlock = params.use_mlock
        mparams.vocab_only = params.vocab_only
        cancelled = False

        def progress(fraction: float, _user: ctypes.c_void_p) -> bool:
            nonlocal cancelled
            keep_going = on_progress(float(fraction)) if on_progress else True
            cancelled = not keep_going
            return keep_going

        callback = llama_cpp.llama_progress_callback(progress)
        mparams.progress_callback = callback
        model = llama_cpp.llama_model_load_from_file(params.path.encode("utf-8"), mparams)
        if not model and cancelled:
            raise LoadCancelled()
        if not model:
            reason = load_failure_reason()
            if not reason:
                raise ModelLoadError.of("load.failed_silently", path=params.path)
            raise ModelLoadError.of("load.failed", path=params.path, reason=reason)
        self.model = model
        self.vocab = llama_cpp.llama_model_get_vocab(model)
        self.n_vocab = int(llama_cpp.llama_vocab_n_tokens(self.vocab))
        self.bos = int(llama_cpp.llama_vocab_bos(self.vocab))  # -1: the model names none
        self.n_layer = int(llama_cpp.llama_model_n_layer(model))
        self.n_ctx_train = int(llama_cpp.llama_model_n_ctx_train(model))
        self.n_threads = params.n_threads or os.cpu_count() or 1

        self.past: list[int] = []
        # Where each decode batch that built the cache began. llama.cpp's numbers for a token depend
        # slightly on the batch it was evaluated in, so a prompt seen again is re-evaluated in the
        # same batches as before (see evaluate), and a seeded run repeats exactly.
        self.batch_starts: list[int] = []
        self._pieces: dict[int, bytes] = {}
        self._eog: dict[int, bool] = {}
        if params.vocab_only:  # a tokenizer only: no context, no generation
            self.n_ctx = 0
            self.n_batch = 0
            return
        cparams = llama_cpp.llama_context_default_params()
        cparams.n_ctx = params.n_ctx
        cparams.n_batch = params.n_batch
        cparams.n_ubatch = params.n_batch
        cparams.n_threads = self.n_threads
        cparams.n_threads_batch = self.n_threads
        cparams.no_perf = True
        flash = cpu_flash_default(params)
        if flash is not None:
            cparams.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED if flash else llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        ctx = llama_cpp.llama_init_from_model(model, cparams)
        if not ctx:
            reason = " ".join(recent_log(3, r"error|failed|alloc|memory"))
            self.close()
            if not reason:
                raise ModelLoadError.of("load.no_context_silently", n_ctx=params.n_ctx)
            raise ModelLoadError.of("load.no_context", n_ctx=params.n_ctx, reason=reason)
        self.ctx = ctx
        self.n_ctx = int(llama_cpp.llama_n_ctx(ctx))
        self.n_batch = int(llama_cpp.llama_n_batch(ctx))  # llama.cpp may lower it (never above n_ctx)
        self.scoring_rows = scoring_rows(self.n_batch, self.n_vocab, params.n_gpu_layers)
        self.memory = llama_cpp.llama_get_memory(ctx)
        self._one = (llama_cpp.llama_token * 1)()
        self._logits_address: int | None = None
        self._logits_view = np.empty(0, dtype=np.float32)
        self._abort_cb: Callable[..., bool] | None = None

    def describe(self, load_s: float) -> LoadedModel:
        offloaded = 0
        for line in recent_log(50, r"offloaded \d+/\d+ layers"):
            m = re.search(r"offloaded (\d+)/(\d+) layers", line)
            if m:
                offloaded = int(m.group(1))
        return LoadedModel(
            path=self.params.path,
            n_ctx=self.n_ctx,
            n_ctx_train=self.n_ctx_train,
            n_vocab=self.n_vocab,
            n_layer=self.n_layer,
            n_gpu_layers_requested=self.params.n_gpu_layers,
            n_gpu_layers_offloaded=offloaded,
            gpu_offload_supported=gpu_offload_supported(),
            n_threads=self.n_threads,
            load_s=load_s,
            bos_text=self._special_text(llama_cpp.llama_vocab_bos(self.vocab)),
            eos_text=self._special_text(llama_cpp.llama_vocab_eos(self.vocab)),
            add_bos=bool(llama_cpp.llama_vocab_get_add_bos(self.vocab)),
            vocab_only=self.params.vocab_only,
            warnings=self.warnings,
        )

    def __enter__(self) -> LlamaSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.ctx:
            llama_cpp.llama_free(self.ctx)
            self.ctx = None
        if self.model:
            llama_cpp.llama_model_free(self.model)
            self.model = None

    # -- tokens ---------------------------------------------------------------------------

    def tokenize(self, text: str, add_special: bool = True, parse_special: bool = False) -> list[int]:
        data = text.encode("utf-8", errors="surrogatepass")
        n_max = len(data) + 16
        buf = (llama_cpp.llama_token * n_max)()
        n = llama_cpp.llama_tokenize(self.vocab, data, len(data), buf, n_max, add_special, parse_special)
        if n < 0:
            n_max = -n
            buf = (llama_cpp.llama_token * n_max)()
            n = llama_cpp.llama_tokenize(self.vocab, data, len(data), buf, n_max, add_special, parse_special)
        if n < 0:
            raise EngineError.of("engine.tokenize_failed", code=n)
        return list(buf[:n])

    def start_tokens(self) -> list[int]:
        """What an empty prompt starts from: the tokens the tokenizer adds to an empty text, or
        the model's start token (BOS) when it adds none (SmolLM2 names one but does not add it);
        [] if the model has neither."""
        return self.tokenize("", True, False) or ([self.bos] if 0 <= self.bos < self.n_vocab else [])

    def piece(self, token: int) -> bytes:
        """The bytes of one token (special tokens rendered as their text)."""
        cached = self._pieces.get(token)
        if cached is not None:
            return cached
        size = 32
        while True:
            buf = ctypes.create_string_buffer(size)
            n = llama_cpp.llama_token_to_piece(self.vocab, token, buf, size, 0, True)
            if n >= 0:
                break
            size = -n
        piece = buf.raw[:n]
        self._pieces[token] = piece
        return piece

    def _special_text(self, token: int) -> str:
        return self.piece(token).decode("utf-8", "replace") if 0 <= token < self.n_vocab else ""

    def is_special(self, token: int) -> bool:
        """Control tokens: BOS, EOS, chat-template markers."""
        return bool(llama_cpp.llama_vocab_is_control(self.vocab, token))

    def is_eog(self, token: int) -> bool:
        """End of generation (EOS, end of turn); asked once per generated token, so cached."""
        flag = self._eog.get(token)
        if flag is None:
            flag = self._eog[token] = bool(llama_cpp.llama_vocab_is_eog(self.vocab, token))
        return flag

    def check_ids(self, ids: Sequence[int]) -> None:
        bad = [i for i in ids if not 0 <= i < self.n_vocab]
        if bad:
            raise PromptError.of("prompt.ids_outside", ids=bad[:5], last=self.n_vocab - 1)

    # -- evaluation -----------------------------------------------------------------------

    def set_abort(self, should_abort: Callable[[], bool] | None) -> None:
        """Let llama.cpp poll ``should_abort`` during a decode (used for long prompts only)."""
        if should_abort is None:
            self._abort_cb = None
            llama_cpp.llama_set_abort_callback(self.ctx, _NO_ABORT, None)
        else:
            self._abort_cb = llama_cpp.ggml_abort_callback(lambda _data: bool(should_abort()))
            llama_cpp.llama_set_abort_callback(self.ctx, self._abort_cb, None)

    def _decode(self, tokens: Sequence[int]) -> None:
        arr = (llama_cpp.llama_token * len(tokens))(*tokens)
        code = llama_cpp.llama_decode(self.ctx, llama_cpp.llama_batch_get_one(arr, len(tokens)))
        if code == 2:
            raise _Aborted()
        if code != 0:
            raise EngineError.of("engine.decode_failed", n=len(tokens), code=code, log=" ".join(recent_log(2, r"error|failed")))
        self.batch_starts.append(len(self.past))
        self.past.extend(tokens)

    def evaluate(self, tokens: Sequence[int], should_abort: Callable[[], bool]) -> bool:
        """Bring the cache to exactly ``tokens`` and leave the last token's logits ready.

        Reuses the longest prefix already in the cache. Returns False if cancelled.
        """
        if self.ctx is None:
            raise NoModelLoaded.of("engine.tokenizer_only")
        if not tokens:
            raise PromptError.of("prompt.empty")
        if len(tokens) >= self.n_ctx:
            raise PromptError.of("prompt.too_long", n=len(tokens), n_ctx=self.n_ctx)
        common = 0
        for a, b in zip(self.past, tokens):
            if a != b:
                break
            common += 1
        if common == len(tokens):
            # This very prompt is in the cache (a run repeated, another sample): evaluate its last
            # batch again as it was, not just its last token, so its logits come out the same.
            common = max((start for start in self.batch_starts if start < common), default=0)
        common = min(common, len(tokens) - 1)  # the last token is evaluated again for its logits
        if not llama_cpp.llama_memory_seq_rm(self.memory, 0, common, -1):
            llama_cpp.llama_memory_clear(self.memory, True)
            common = 0
        del self.past[common:]
        self.batch_starts = [start for start in self.batch_starts if start < common]
        rest = list(tokens[common:])
        self.set_abort(should_abort if len(rest) > 1 else None)
        try:
            for i in range(0, len(rest), self.n_batch):
                self._decode(rest[i : i + self.n_batch])
        except _Aborted:
            self.forget()
            return False
        finally:
            self.set_abort(None)
        return True

    def forget(self) -> None:
        """Drop the whole cache (after an abort its contents are unknown)."""
        llama_cpp.llama_memory_clear(self.memory, True)
        self.past.clear()
        self.batch_starts.clear()

    def step(self, token: int, should_abort: Callable[[], bool] | None = None) -> bool:
        """Evaluate one more token (generation hot path: no allocation). False if aborted.

        With ``should_abort`` llama.cpp polls it between the graph's nodes: some 600 calls into
        Python a token for SmolLM2, about a millisecond (a sixth of a fast token here), so the
        decode loop asks for it only when tokens come slowly. An aborted step leaves the cache
        unknown: it is dropped."""
        if len(self.past) >= self.n_ctx:
            raise PromptError.of("prompt.context_full", n_ctx=self.n_ctx)
        self._one[0] = token
        if should_abort is not None:
            self.set_abort(should_abort)
        try:
            code = llama_cpp.llama_decode(self.ctx, llama_cpp.llama_batch_get_one(self._one, 1))
        finally:
            if should_abort is not None:
                self.set_abort(None)
        if code == 2:
            self.forget()
            return False
        if code != 0:
            raise EngineError.of("engine.step_failed", code=code)
        self.batch_starts.append(len(self.past))
        self.past.append(token)
        return True

    def token_logprobs(self, tokens: Sequence[int], should_abort: Callable[[], bool]) -> list[float | None] | None:
        """log p(token_i | tokens before i) for every token (None for the first), or None if cancelled.

        Evaluates in batches of ``scoring_rows`` with an output row for every position and reduces
        the rows one by one as they sit in llama.cpp's buffer: memory stays O(scoring_rows x n_vocab)
        whatever the length.
        The cache is used from position 0, so the text must fit in the context.
        """
        if self.ctx is None:
            raise NoModelLoaded.of("engine.tokenizer_only_score")
        self.forget()
        n = len(tokens)
        out: list[float | None] = [None]
        scratch = np.empty(self.n_vocab, dtype=np.float32)  # one row at a time: no n_batch x n_vocab temporaries
        rows_per_batch = self.scoring_rows
        batch = llama_cpp.llama_batch_init(rows_per_batch, 0, 1)
        self.set_abort(should_abort)
        try:
            for start in range(0, n, rows_per_batch):
                chunk = tokens[start : start + rows_per_batch]
                fill_scoring_batch(batch, chunk, start)
                code = llama_cpp.llama_decode(self.ctx, batch)
                if code == 2:
                    self.forget()
                    return None
                if code != 0:
                    raise EngineError.of("engine.text_failed", code=code)
                rows = np.ctypeslib.as_array(llama_cpp.llama_get_logits(self.ctx), shape=(len(chunk), self.n_vocab))
                # Row i predicts token start+i+1.
                out.extend(score_rows(rows, tokens[start + 1 : start + len(chunk) + 1], scratch, exp_sum, exp_sum_address))
            self.past = list(tokens)
            self.batch_starts = list(range(0, n, rows_per_batch))
            return out
        finally:
            self.set_abort(None)
            llama_cpp.llama_batch_free(batch)

    def continuation_logprobs(self, continuations: Sequence[Sequence[int]]) -> list[list[float]]:
        """log p of each token of each continuation after the tokens in the cache (the last
        evaluated one's logits must be ready: call right after ``evaluate``).

        Every continuation's first token is scored from the prompt's last row; a longer one is
        evaluated after the prompt in one batch, one continuation at a time, and then removed, so
        the cache holds the prompt alone again (its last logits do not survive). Continuations
        are empty-free; the caller checks they fit in the context."""
        if self.ctx is None:
            raise NoModelLoaded.of("engine.tokenizer_only_score")
        row = self.last_logits()
        lse = self.row_capture(0, False)(row)[0]
        out = [[float(row[c[0]]) - lse] for c in continuations]  # read before the next decode overwrites it
        longest = max((len(c) for c in continuations), default=0)
        if longest < 2:
            return out
        n = len(self.past)
        if n + longest - 1 > self.n_ctx:
            raise PromptError.of("prompt.too_long", n=n + longest - 1, n_ctx=self.n_ctx)
        scratch = np.empty(self.n_vocab, dtype=np.float32)
        batch = llama_cpp.llama_batch_init(longest - 1, 0, 1)
        try:
            for scores, tokens in zip(out, continuations):
                if len(tokens) < 2:
                    continue
                fill_scoring_batch(batch, tokens[:-1], n)
                code = llama_cpp.llama_decode(self.ctx, batch)
                if code != 0:
                    self.forget()
                    raise EngineError.of("engine.text_failed", code=code)
                rows = np.ctypeslib.as_array(llama_cpp.llama_get_logits(self.ctx), shape=(len(tokens) - 1, self.n_vocab))
                scores.extend(score_rows(rows, tokens[1:], scratch, exp_sum, exp_sum_address))
                if not llama_cpp.llama_memory_seq_rm(self.memory, 0, n, -1):
                    # A cache that cannot drop a tail (recurrent models): evaluate the prompt again.
                    prompt = list(self.past)
                    self.forget()
                    self.evaluate(prompt, lambda: False)
        finally:
            llama_cpp.llama_batch_free(batch)
        return out

    def last_logits(self) -> np.ndarray:
        """A view (no copy) of the logits after the last evaluated token: one row of n_vocab floats."""
        ptr = llama_cpp.llama_get_logits_ith(self.ctx, -1)
        address = ctypes.cast(ptr, ctypes.c_void_p).value
        if not address:
            raise EngineError.of("engine.no_logits")
        # The row usually sits at the same address token after token; building a view is not free.
        if address != self._logits_address:
            self._logits_view = np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))
            self._logits_address = address
        return self._logits_view

    # -- sampling -------------------------------------------------------------------------

    def sampler(self, params: SamplerParams, seed: int, history: Sequence[int]) -> Sampler:
        """llama.cpp's sampler chain for this vocabulary; the caller closes it (``with``)."""
        return Sampler(params, seed, history, self.n_vocab)

    def row_capture(self, k: int, entropy: bool) -> RowCapture:
        """What a generation records from each row of logits, computed with ggml's kernel."""
        return RowCapture(k, entropy, exp_sum, exp_sum_address)


class _Aborted(Exception):
    pass


class LoadCancelled(Exception):
    """The load was cancelled from the progress callback."""
