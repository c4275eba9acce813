"""Checkpoints become snapshots (issue 11), converted in place without a rebuild.

A `(txid, position)` checkpoint with its `horizon` H said: every event with a
txid below max(H, txid) is applied (the old reader went in txid order and only
below the cluster's xmin). That is the snapshot `N:N:` with N = that maximum.
Events of the checkpoint's own transaction are read once more, which the
version-fenced stores make harmless.
"""

from django.db import migrations, models

FORWARD = """
UPDATE projections_segmentcheckpoint
SET checkpoint_snapshot = n || ':' || n || ':',
    horizon = n,
    target_snapshot = '',
    checkpoint_txid = 0,
    checkpoint_position = 0
FROM (
    SELECT id AS row_id, GREATEST(horizon, checkpoint_txid, 1) AS n
    FROM projections_segmentcheckpoint
) AS converted
WHERE id = converted.row_id
"""

BACKWARD = """
UPDATE projections_segmentcheckpoint
SET checkpoint_txid = pg_snapshot_xmin(checkpoint_snapshot::pg_snapshot)::text::bigint - 1,
    checkpoint_position = 9223372036854775807,
    horizon = pg_snapshot_xmin(checkpoint_snapshot::pg_snapshot)::text::bigint
"""


class Migration(migrations.Migration):
    dependencies = [
        ("projections", "0900_rebuilds"),
    ]

    operations = [
        migrations.AddField(
            model_name="segmentcheckpoint",
            name="checkpoint_snapshot",
            field=models.TextField(default="1:1:"),
        ),
        migrations.AddField(
            model_name="segmentcheckpoint",
            name="target_snapshot",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
