"""The request path of the SQL adapters (private): driver connections and their pools, what differs
between the databases, statements written from table descriptions, and driver errors translated into
the core's. Nothing here imports SQLAlchemy, so a serving process never loads it."""
