"""The engine: llama.cpp in a child process (host), the client that drives it, and the protocol between."""
