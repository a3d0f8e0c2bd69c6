"""What a person wants to know about a model file, read from its GGUF header."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workbench.models.bundled import resolve_model_path
from workbench.models.gguf import FILE_TYPES, ArraySummary, GGUFHeader, read_header


@dataclass(frozen=True)
class ModelInfo:
    path: str
    size_bytes: int
    gguf_version: int
    architecture: str | None
    name: str | None
    file_type: str | None
    context_length: int | None
    n_layer: int | None
    vocab_size: int | None
    tokenizer_model: str | None
    chat_template: str | None
    n_params: int
    n_tensors: int
    bos_token_id: int | None
    eos_token_id: int | None
    add_bos_token: bool | None
    n_embd: int | None = None
    n_head: int | None = None
    n_head_kv: int | None = None
    key_length: int | None = None
    value_length: int | None = None
    markers: tuple[str, ...] = ()  # chat markers the vocabulary holds (<|im_start|>, <start_of_turn>...)
    remote: dict[str, Any] | None = None  # a server model: endpoint, url, model, server kind, what it said of itself

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def display_name(self) -> str:
        return self.name or Path(self.path).stem


def remote_info(name: str, identity: dict[str, Any], n_ctx: int | None) -> ModelInfo:
    """A model on a server (``ENDPOINT/MODEL``): what the server said of it, no file."""
    return ModelInfo(
        path=name, size_bytes=0, gguf_version=0, architecture=None, name=str(identity.get("model") or name),
        file_type=None, context_length=n_ctx or None, n_layer=None, vocab_size=None, tokenizer_model=None,
        chat_template=None, n_params=0, n_tensors=0, bos_token_id=None, eos_token_id=None, add_bos_token=None,
        remote=dict(identity),
    )


def _vocab_size(header: GGUFHeader, arch: str | None) -> int | None:
    tokens = header.get("tokenizer.ggml.tokens")
    if isinstance(tokens, ArraySummary):
        return tokens.length
    if isinstance(tokens, list):
        return len(tokens)
    value = header.get(f"{arch}.vocab_size")
    return value if isinstance(value, int) else None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def info_from_header(header: GGUFHeader) -> ModelInfo:
    arch = header.get("general.architecture")
    arch = arch if isinstance(arch, str) else None
    ftype = _int_or_none(header.get("general.file_type"))
    template = header.get("tokenizer.chat_template")
    add_bos = header.get("tokenizer.ggml.add_bos_token")
    return ModelInfo(
        path=str(header.path),
        size_bytes=header.size_bytes,
        gguf_version=header.version,
        architecture=arch,
        name=header.get("general.name") if isinstance(header.get("general.name"), str) else None,
        file_type=FILE_TYPES.get(ftype, f"type {ftype}") if ftype is not None else None,
        context_length=_int_or_none(header.get(f"{arch}.context_length")),
        n_layer=_int_or_none(header.get(f"{arch}.block_count")),
        vocab_size=_vocab_size(header, arch),
        tokenizer_model=header.get("tokenizer.ggml.model") if isinstance(header.get("tokenizer.ggml.model"), str) else None,
        chat_template=template if isinstance(template, str) else None,
        n_params=sum(t.n_elements for t in header.tensors),
        n_tensors=len(header.tensors),
        bos_token_id=_int_or_none(header.get("tokenizer.ggml.bos_token_id")),
        eos_token_id=_int_or_none(header.get("tokenizer.ggml.eos_token_id")),
        add_bos_token=add_bos if isinstance(add_bos, bool) else None,
        n_embd=_int_or_none(header.get(f"{arch}.embedding_length")),
        n_head=_int_or_none(header.get(f"{arch}.attention.head_count")),
        n_head_kv=_int_or_none(header.get(f"{arch}.attention.head_count_kv")),
        key_length=_int_or_none(header.get(f"{arch}.attention.key_length")),
        value_length=_int_or_none(header.get(f"{arch}.attention.value_length")),
        markers=header.markers,
    )


def model_info(spec: str | Path) -> ModelInfo:
    """Validate a model ('default' or a path) and describe it. Raises ModelFileError."""
    return info_from_header(read_header(resolve_model_path(spec)))
