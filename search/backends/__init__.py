"""Database-specific search primitives (see ``search.backends.postgres``)."""
