"""Tokenizers behind one interface: the model's own (through the engine) and tiktoken encodings."""
