"""Commands Studio adds to ``m``: ``new``, ``codegen``, ``docs`` and ``studio``."""
