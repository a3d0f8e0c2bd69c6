"""A model ready to run: its file facts, what the engine reported when it loaded, and its chat format.

``open_model`` validates the settings, starts an engine and loads the file; the CLI opens one per
command, a re-run opens the model its stored run used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from workbench.app.endpoints import EndpointStore, ModelRef
from workbench.engine.client import EngineClient
from workbench.errors import PromptError
from workbench.models.info import ModelInfo, model_info, remote_info
from workbench.paths import log_dir
from workbench.prompts.chat_formats import ChatFormat, FormatChoice, choose_format
from workbench.values.params import LoadParams
from workbench.values.results import LoadedModel

if TYPE_CHECKING:  # HTTP, TLS and numpy load with the first remote model, not with the window
    from workbench.engine.remote.backend import RemoteEngine

MIN_CTX = 256  # llama.cpp's smallest context
CTX_MARGIN = 4  # a context beyond this many times the trained one is refused (RoPE scaling goes about this far)


@dataclass(frozen=True)
class LoadSettings:
    """How to load a model for a run: a file (or 'default'), context, GPU layers, threads, and the
    chat format to use with it."""

    model: str = "default"
    n_ctx: int = 4096
    n_gpu_layers: int = 0  # -1: all
    n_threads: int | None = None  # None: all cores
    seed: int | None = None
    chat_format: FormatChoice = field(default_factory=FormatChoice)

    def check(self) -> LoadSettings:
        if self.n_ctx < MIN_CTX:
            raise PromptError.of("load.ctx_too_small", min=MIN_CTX, n_ctx=self.n_ctx)
        if self.n_threads is not None and self.n_threads < 1:
            raise PromptError.of("load.threads", n=self.n_threads)
        most = 4 * (os.cpu_count() or 1)
        if self.n_threads is not None and self.n_threads > most:  # far more crashes llama.cpp (SIGSEGV)
            raise PromptError(f"{self.n_threads:,} threads is more than 4 per core of this machine: choose from 1 to {most}.")
        return self

    def load_params(self, path: str) -> LoadParams:
        return LoadParams(
            path=path,
            n_ctx=self.n_ctx,
            n_gpu_layers=self.n_gpu_layers if self.n_gpu_layers >= 0 else 999,
            n_threads=self.n_threads,
            seed=self.seed,
        )


@dataclass(frozen=True)
class ModelContext:
    """A loaded model: the file's facts, what the engine reported, and the chat format the user
    chose for it (by default the workbench chooses, see ``workbench.prompts.chat_formats``)."""

    info: ModelInfo | None
    loaded: LoadedModel | None
    choice: FormatChoice = field(default_factory=FormatChoice)

    @cached_property
    def chat_format(self) -> ChatFormat:
        """The format its chats render with (PromptError for a choice that cannot apply)."""
        info, loaded = self.info, self.loaded
        return choose_format(
            self.choice,
            server=info is not None and info.remote is not None,
            gguf_template=info.chat_template if info else None,
            architecture=info.architecture if info else None,
            markers=info.markers if info else (),
            tokenizer_model=info.tokenizer_model if info else None,
            bos_token=loaded.bos_text if loaded else "",
            eos_token=loaded.eos_text if loaded else "",
            tokenizer_adds_bos=loaded.add_bos if loaded else False,
        )

    @property
    def path(self) -> str:
        if self.info is not None:
            return self.info.path
        return self.loaded.path if self.loaded is not None else ""

    def to_json(self) -> dict[str, Any]:
        """The ``model`` object of ``run --json``."""
        info, loaded = self.info, self.loaded
        return {
            "path": self.path,
            "name": info.name if info else None,
            "architecture": info.architecture if info else None,
            "file_type": info.file_type if info else None,
            "size_bytes": info.size_bytes if info else None,
            "n_ctx": loaded.n_ctx if loaded else None,
            "backend": loaded.backend if loaded else None,
            "n_gpu_layers_offloaded": loaded.n_gpu_layers_offloaded if loaded else None,
            **({"remote": info.remote} if info is not None and info.remote is not None else {}),
        }


def open_model(settings: LoadSettings, vocab_only: bool = False) -> tuple[EngineClient | RemoteEngine, ModelContext]:
    """Check the file and the settings, start an engine and load the model (the caller closes the
    client); or, for ``ENDPOINT/MODEL``, open that server model. The engine's load warnings are in
    ``context.loaded.warnings``."""
    settings.check()
    ref = EndpointStore().model_ref(settings.model)
    if ref is not None:
        return open_remote(ref, settings)
    info = model_info(settings.model)
    if info.context_length and settings.n_ctx > CTX_MARGIN * info.context_length:
        raise PromptError(f"A context of {settings.n_ctx:,} tokens is far beyond what {info.display_name} was trained for "
                          f"({info.context_length:,}): choose from {MIN_CTX} to {CTX_MARGIN * info.context_length:,}.")
    client = EngineClient(log_path=log_dir() / "engine.log")
    try:
        params = settings.load_params(info.path)
        params.vocab_only = vocab_only
        loaded = client.load(params)
    except BaseException:
        client.close()
        raise
    return client, ModelContext(info, loaded, settings.chat_format)


def open_remote(ref: ModelRef, settings: LoadSettings) -> tuple[RemoteEngine, ModelContext]:
    """A model on a configured endpoint: checked to be there, its server asked what it provides."""
    from workbench.engine.remote.backend import RemoteEngine

    engine = RemoteEngine(EndpointStore().get(ref.endpoint), ref.model)
    loaded = engine.open()
    info = remote_info(loaded.path, engine.identity, loaded.n_ctx)
    return engine, ModelContext(info, loaded, settings.chat_format)
