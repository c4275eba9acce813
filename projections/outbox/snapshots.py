"""One consistent view of the write model for a load."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def consistent_snapshot() -> Iterator[None]:
    """A read-only REPEATABLE READ transaction: every query sees one snapshot.

    A document is built from several tables (product, stock, category tree);
    reading them in one snapshot means the versions stamped on the document
    belong to the data in it.
    """
    outer = connection.in_atomic_block
    with transaction.atomic():
        if not outer:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                )
        yield
