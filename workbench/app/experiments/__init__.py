"""Experiments: a definition, its cases run through the one run pipeline, their statistics and reports."""
