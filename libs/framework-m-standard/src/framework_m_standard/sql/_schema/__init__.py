"""Schema work of the SQL adapters (private): SQLAlchemy tables from the table descriptions, the
automatic sync's comparison and Alembic migrations. Imported only when the schema may change, never
on the request path (ADR 0008)."""
