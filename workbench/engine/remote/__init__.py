"""Remote engines: OpenAI-compatible servers (llama.cpp's server, llama-cpp-python's, vLLM, Ollama,
LM Studio) behind the same interface as the local engine host.

``endpoint`` holds where a server is and how to reach it, ``http`` speaks HTTP and server-sent
events to it (timeouts, retries, errors in our words), ``capabilities`` asks what it provides,
``pieces`` turns its per-token logprobs into our tokens, and ``backend`` is the engine itself.
"""
