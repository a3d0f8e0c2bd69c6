"""Alembic migrations of the workbench database, shipped in the package and applied on open."""
