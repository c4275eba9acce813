"""Category paths and the stamps they add to the version of product documents.

A product document's version is product stamp + stock version + the sum of
the stamps of the categories on its path (projections/README.md). Changes
that take categories out of that sum (a category or a product moving, a
product being deleted) compensate with a larger stamp, computed here from
the path stamps as they stand under the catalogue tree lock.
"""

from django.db import connection

from commands.models import CatalogTree, Category

_TREE = CatalogTree._meta.db_table
_CATEGORY = Category._meta.db_table

_SHARE_TREE_SQL = [
    f"""INSERT INTO {_TREE} (id, version, created_at, updated_at)
    VALUES (1, 1, now(), now()) ON CONFLICT (id) DO NOTHING""",
    f"SELECT 1 FROM {_TREE} WHERE id = 1 FOR SHARE",
]

_PATH_STAMP_SQL = f"""
WITH RECURSIVE up(id, parent_id, stamp) AS (
    SELECT id, parent_id, stamp FROM {_CATEGORY} WHERE id = %s
    UNION
    SELECT c.id, c.parent_id, c.stamp FROM {_CATEGORY} c JOIN up ON c.id = up.parent_id
)
SELECT coalesce(sum(stamp), 0) FROM up
"""


def share_tree_lock() -> None:
    """Hold off category changes until commit (they take the tree row exclusively)."""
    with connection.cursor() as cursor:
        for statement in _SHARE_TREE_SQL:
            cursor.execute(statement)


def path_stamp(category_id: int | None) -> int:
    """The sum of the stamps from the root down to `category_id` (0 for none)."""
    if category_id is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_PATH_STAMP_SQL, [category_id])
        return int(cursor.fetchone()[0])


def move_increment(*, old_category_id: int | None, new_category_id: int | None) -> int:
    """What a moved row's stamp must grow by so every path sum below it grows."""
    old = path_stamp(old_category_id)
    new = path_stamp(new_category_id)
    return max(1, old - new + 1)
