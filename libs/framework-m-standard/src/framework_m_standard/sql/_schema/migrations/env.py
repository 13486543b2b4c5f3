"""Alembic's environment script for every Framework M project; ``m migrate`` runs it, nobody edits it.

The connection, the DocType-derived schema and the options all come from the session ``m migrate``
prepared (see ``environment.py``); the surrounding transaction is the caller's, so this script only
configures Alembic and runs the revisions.
"""

from alembic import context

from framework_m_standard.sql._schema.migrations.environment import session_of

session = session_of(context.config)
context.configure(**session.context_options())
with context.begin_transaction():
    context.run_migrations()
