"""Stamps: the per-row shares of document versions (see projections/README.md).

The back-fill makes every document's new version equal to the composite
version the old rule gave it (product + stock + catalogue tree version;
order + customer version), so an up-to-date read model shows no drift after
the upgrade, and no version goes down: categories start at stamp 1 (a path
of depth d adds d), products take version + tree version - d (a tombstone,
which has no path, keeps the whole tree version), customers their version.
"""

from django.db import migrations, models

BACKFILL = """
WITH RECURSIVE tree(v) AS (
    SELECT coalesce((SELECT version FROM commands_catalogtree WHERE id = 1), 0)
), depth(id, d) AS (
    SELECT id, 1 FROM commands_category WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, depth.d + 1 FROM commands_category c JOIN depth ON c.parent_id = depth.id
)
UPDATE commands_product p
SET stamp = GREATEST(
    1,
    p.version + tree.v - CASE WHEN p.deleted THEN 0 ELSE coalesce(depth.d, 0) END
)
FROM tree, commands_product q LEFT JOIN depth ON depth.id = q.category_id
WHERE q.id = p.id;
UPDATE commands_customer SET stamp = version;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("commands", "0002_outbox_notify_trigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="stamp",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name="customer",
            name="stamp",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name="product",
            name="stamp",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.CheckConstraint(
                condition=models.Q(("stamp__gte", 1)), name="category_stamp_gte_1"
            ),
        ),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.CheckConstraint(
                condition=models.Q(("stamp__gte", 1)), name="customer_stamp_gte_1"
            ),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(("stamp__gte", 1)), name="product_stamp_gte_1"
            ),
        ),
    ]
