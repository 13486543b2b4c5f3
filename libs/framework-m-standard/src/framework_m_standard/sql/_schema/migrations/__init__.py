"""Alembic migrations of the default database (private; ``framework_m_standard.sql.migrations`` is the
public face). ``env.py`` and ``script.py.mako`` here are Alembic's script location."""
