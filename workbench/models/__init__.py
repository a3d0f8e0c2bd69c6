"""GGUF model files: a safe header reader, model facts, and the bundled default model."""
