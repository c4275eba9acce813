"""Extra PostgreSQL sessions, outside Django's connection: a second writer, an
open transaction in this database or another one on the same server."""

import psycopg
from django.db import connection


def pg_session(dbname: str | None = None) -> psycopg.Connection:
    """A new session on `dbname` (default: the test database)."""
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        password=params["PASSWORD"],
        dbname=dbname or params["NAME"],
    )
