"""Helpers shared by the tests (one place: no test module imports another)."""
