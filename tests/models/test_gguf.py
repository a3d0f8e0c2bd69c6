"""The GGUF reader accepts the real model and rejects broken files with clear messages."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.helpers.gguf_writer import gguf_bytes, write_gguf
from workbench.errors import ModelFileError
from workbench.models.gguf import MAX_ARRAY_LENGTH, ArraySummary, read_header
from workbench.models.info import model_info


def test_bundled_model_header(model_path: Path) -> None:
    header = read_header(model_path)
    assert header.version == 3
    assert header.get("general.architecture") == "llama"
    assert isinstance(header.get("tokenizer.ggml.tokens"), ArraySummary)
    assert len(header.tensors) == 272
    last = max(header.tensors, key=lambda t: t.offset)
    assert header.data_offset + last.offset < header.size_bytes


def test_model_info_of_default(model_path: Path) -> None:
    info = model_info("default")
    assert info.path == str(model_path)
    assert (info.architecture, info.file_type, info.vocab_size, info.n_layer) == ("llama", "Q4_1", 49152, 30)
    assert info.context_length == 8192
    assert info.chat_template and "im_start" in info.chat_template
    assert 130e6 < info.n_params < 140e6


def test_small_valid_file(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf", {"general.architecture": "llama", "general.name": "tiny"}, [("w", (8, 4), 0)])
    header = read_header(path)
    assert header.get("general.name") == "tiny"
    assert header.tensors[0].shape == (8, 4)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.gguf", "not found"),
        (lambda d: d, "is a folder"),
        (lambda d: _write(d / "t.gguf", b"hello world, this is not a model at all"), "not a GGUF model"),
        (lambda d: _write(d / "e.gguf", b""), "only 0 bytes"),
        (lambda d: _write(d / "v.gguf", gguf_bytes({"a": 1}, version=7)), "version 7"),
        (lambda d: _write(d / "c.gguf", gguf_bytes({"a": 1}, n_kv=2**40)), "metadata entries"),
        (lambda d: _write(d / "n.gguf", gguf_bytes({"a": 1}, n_tensors=2**50)), "tensors"),
        (lambda d: _write(d / "k.gguf", gguf_bytes({"a": 1}, n_kv=5000)), "more than fit"),
        (lambda d: _write(d / "s.gguf", _absurd_string()), "claims"),
        (lambda d: _write(d / "a.gguf", _absurd_array()), "elements"),
        (lambda d: _write(d / "d.gguf", gguf_bytes({"a": 1}, [("w", (64, 64), 0)], data=False)), "truncated"),
    ],
)
def test_bad_files_are_rejected(tmp_path: Path, make, message: str) -> None:
    with pytest.raises(ModelFileError, match=message):
        read_header(make(tmp_path))


def test_truncated_real_model(tmp_path: Path, model_path: Path) -> None:
    data = model_path.read_bytes()
    for cut in (100, 2_000_000, len(data) - 4096):
        path = _write(tmp_path / f"cut{cut}.gguf", data[:cut])
        with pytest.raises(ModelFileError, match="truncated"):
            read_header(path)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _absurd_string() -> bytes:
    head = b"GGUF" + struct.pack("<IQQ", 3, 0, 1)
    return head + struct.pack("<Q", 2**62) + b"key"


def _absurd_array() -> bytes:
    head = b"GGUF" + struct.pack("<IQQ", 3, 0, 1)
    key = struct.pack("<Q", 3) + b"arr"
    return head + key + struct.pack("<IIQ", 9, 4, MAX_ARRAY_LENGTH + 1) + b"\0" * 64


def test_a_long_string_array_is_counted_and_still_checked(tmp_path: Path) -> None:
    vocab = [f"tok{i}" for i in range(3000)]  # past the length that is kept: counted, not decoded
    good = gguf_bytes({"general.architecture": "llama", "tokenizer.ggml.tokens": vocab})
    header = read_header(write_gguf(tmp_path / "good.gguf", {"general.architecture": "llama", "tokenizer.ggml.tokens": vocab}))
    assert header.get("tokenizer.ggml.tokens") == ArraySummary("string", 3000)
    start = good.index(b"tok0") - 8
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(good[: start + 30_000])  # the array (about 44 kB) runs past the end
    with pytest.raises(ModelFileError, match="truncated"):
        read_header(cut)
    huge = bytearray(good)
    at = start + sum(8 + len(t) for t in vocab[:1500])
    huge[at : at + 8] = struct.pack("<Q", 1 << 40)  # string 1500 claims a terabyte
    bad = tmp_path / "huge.gguf"
    bad.write_bytes(bytes(huge))
    with pytest.raises(ModelFileError, match="a string claims"):
        read_header(bad)


def _llama(**changes: object) -> dict[str, object]:
    meta: dict[str, object] = {"general.architecture": "llama", "llama.block_count": 2,
                               "llama.attention.layer_norm_rms_epsilon": 1e-5,
                               "tokenizer.ggml.tokens": ["a", "b", "c"], "tokenizer.ggml.scores": [0.0, 0.0, 0.0]}
    meta.update(changes)
    return meta


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ([("general.architecture", "llama"), ("general.name", "a"), ("general.name", "b")], "'general.name' appears twice"),
        (_llama(**{"llama.block_count": 0}), "llama.block_count is 0, where llama.cpp needs a layer count from 1 to 512"),
        (_llama(**{"llama.block_count": 1000}), "llama.block_count is 1000"),
        (_llama(**{"llama.block_count": 2**32 - 1}), "llama.block_count is 4294967295"),
        (_llama(**{"llama.attention.layer_norm_rms_epsilon": float("nan")}), "layer_norm_rms_epsilon is nan"),
        (_llama(**{"llama.attention.layer_norm_rms_epsilon": -1.0}), "layer_norm_rms_epsilon is -1.0"),
        (_llama(**{"tokenizer.ggml.scores": [0.0, 0.0]}), "tokenizer.ggml.scores is 2 entries, where llama.cpp needs one per token"),
    ],
)
def test_values_llama_cpp_would_abort_on_are_refused_first(tmp_path: Path, metadata: object, message: str) -> None:
    """llama.cpp asserts (GGML_ASSERT, aborting its process) on these instead of refusing them."""
    path = _write(tmp_path / "m.gguf", gguf_bytes(metadata, [("w", (8, 4), 0)]))  # type: ignore[arg-type]
    with pytest.raises(ModelFileError, match=message) as caught:
        read_header(path)
    assert caught.value.key in ("gguf.duplicate_key", "gguf.hyperparameter")


def test_sane_hyperparameters_pass(tmp_path: Path) -> None:
    assert read_header(_write(tmp_path / "m.gguf", gguf_bytes(_llama(), [("w", (8, 4), 0)]))).get("llama.block_count") == 2
