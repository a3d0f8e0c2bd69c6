"""Alembic environment: runs the migrations on the connection the workbench hands over.

The workbench never runs Alembic from a command line; ``workbench.store.database`` builds the
configuration in code and passes its open connection in ``config.attributes["connection"]``.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
