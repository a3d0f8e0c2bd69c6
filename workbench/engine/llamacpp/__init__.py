"""llama.cpp, and the only package that imports ``llama_cpp``.

``session`` (a loaded model and its context), ``sampler`` (llama.cpp's sampler chain), ``kernels``
(ggml's vectorised exp-sum), ``logs`` (llama.cpp's log lines, kept for error messages) and
``reference`` (the benchmark's plain llama-cpp-python loop). This file imports none of them:
importing a module here loads llama.cpp, which only the engine host and the benchmark do.
"""
