#!/usr/bin/env bash
# Build (once) and print the path of a llama-cpp-python wheel for this machine.
#
# llama-cpp-python ships only as source, and compiling llama.cpp takes minutes, so the
# wheel is cached under .cache/wheels/, keyed by version, Python, machine and the exact
# CMake flags. A clean clone has no cache and builds it; repeat runs reuse it.
#
# usage: scripts/llama-wheel.sh PYTHON VERSION GPU   (GPU: cpu | cuda | portable)
#
# portable: the installer's CPU build, for any x86-64 CPU from 2013 on (x86-64-v3: AVX2, FMA,
# F16C, BMI2), not only this one: GGML_NATIVE off, nothing past AVX2, no AMX.
set -euo pipefail

python=$1
version=$2
gpu=${3:-cpu}

# Multimodal (llava/mtmd) is not used by the workbench; skipping it saves build time.
flags="-DLLAVA_BUILD=OFF"
case "$gpu" in
  cpu) ;;
  cuda) flags="$flags -DGGML_CUDA=on" ;;
  portable) flags="$flags -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF" ;;
  *) echo "GPU must be 'cpu', 'cuda' or 'portable', not '$gpu'" >&2; exit 2 ;;
esac
# llama.cpp's AMX kernels crash (SIGSEGV in ggml_backend_amx_mul_mat at the first decode) on the
# AMX CPUs (Sapphire Rapids) these machines run on. A CPU build there targets the CPU's own vector
# extensions, read from /proc/cpuinfo, without AMX: what -march=native gives, less the tiles.
if [ "$gpu" = cpu ] && [ "$(uname -m)" = x86_64 ] && grep -qw amx_int8 /proc/cpuinfo 2>/dev/null; then
  cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  flags="$flags -DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  for pair in avx:AVX avx2:AVX2 fma:FMA f16c:F16C bmi2:BMI2 avx_vnni:AVX_VNNI avx512f:AVX512 \
              avx512vbmi:AVX512_VBMI avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16; do
    case "$cpu_flags" in
      *" ${pair%%:*} "*) flags="$flags -DGGML_${pair#*:}=ON" ;;
      *) flags="$flags -DGGML_${pair#*:}=OFF" ;;
    esac
  done
fi
flags="$flags ${CMAKE_ARGS:-}"

pytag=$("$python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')
key=$(printf '%s|%s|%s|%s' "$version" "$pytag" "$(uname -m)" "$flags" | sha256sum | cut -c1-12)
dir=".cache/wheels/llama-cpp-python-$version-$pytag-$gpu-$key"

wheel=$(ls "$dir"/llama_cpp_python-*.whl 2>/dev/null | head -n1 || true)
if [ -z "$wheel" ]; then
  echo ">> building llama-cpp-python $version ($gpu: $flags); this takes several minutes once" >&2
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  # --no-cache-dir: pip's own wheel cache ignores CMAKE_ARGS and would hand a CPU build to GPU=cuda.
  CMAKE_ARGS="$flags" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    "$python" -m pip wheel --no-deps --no-binary llama-cpp-python --no-cache-dir \
      --wheel-dir "$dir.tmp" "llama-cpp-python==$version" >&2
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  wheel=$(ls "$dir"/llama_cpp_python-*.whl | head -n1)
fi
echo "$wheel"
