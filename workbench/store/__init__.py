"""The history and library database: SQLite through SQLAlchemy, migrated by Alembic at start-up."""
