"""Segment leases with fencing tokens: exactly one runner moves a checkpoint.

`claim` takes the lease of a free (or expired) segment and increments its
`fence`. Every later write of that runner says `WHERE fence = <its fence>`:
once another runner has claimed the segment (say the first one was SIGKILLed
or paused past its lease), the first one's updates match no row and raise
`LeaseLost`, so a stale runner can never move a checkpoint.
"""

import logging
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection

from commands.outbox import ReadPosition
from projections import tunables
from projections.errors import LeaseLost, SegmentBusy

logger = logging.getLogger(__name__)

TABLE = "projections_segmentcheckpoint"

CLAIM = f"""
UPDATE {TABLE}
SET lease_owner = %(owner)s,
    lease_expires_at = now() + make_interval(secs => %(lease)s),
    fence = fence + 1,
    wanted = false,
    last_run_at = now(),
    updated_at = now()
WHERE projection = %(projection)s AND generation = %(generation)s
  AND segment = %(segment)s AND NOT paused
  AND (lease_owner = '' OR lease_expires_at IS NULL OR lease_expires_at < now())
RETURNING id, fence, checkpoint_snapshot, target_snapshot, checkpoint_txid,
          checkpoint_position
"""

MARK_WANTED = f"""
UPDATE {TABLE} SET wanted = true
WHERE projection = %(projection)s AND generation = %(generation)s
  AND segment = %(segment)s AND lease_owner <> '' AND lease_expires_at >= now()
"""

# SET expressions see the row before the update, RETURNING the row after it.
# With release, the lease is let go unless another run asked for one more
# round meanwhile (`wanted`), in which case the holder keeps it and goes on.
ADVANCE = f"""
UPDATE {TABLE}
SET checkpoint_snapshot = %(since)s, target_snapshot = %(target)s,
    checkpoint_txid = %(txid)s, checkpoint_position = %(position)s,
    horizon = pg_snapshot_xmin(%(since)s::pg_snapshot)::text::bigint,
    events_applied = events_applied + %(applied)s,
    last_progress_at = CASE WHEN %(moved)s THEN now() ELSE last_progress_at END,
    lease_owner = CASE WHEN %(release)s AND NOT wanted THEN '' ELSE lease_owner END,
    lease_expires_at = CASE WHEN %(release)s AND NOT wanted THEN NULL
                            ELSE now() + make_interval(secs => %(lease)s) END,
    wanted = CASE WHEN %(release)s THEN false ELSE wanted END,
    last_error = '', updated_at = now()
WHERE id = %(id)s AND fence = %(fence)s
RETURNING lease_owner = ''
"""

RENEW = f"""
UPDATE {TABLE} SET lease_expires_at = now() + make_interval(secs => %(lease)s)
WHERE id = %(id)s AND fence = %(fence)s
"""

RELEASE = f"""
UPDATE {TABLE} SET lease_owner = '', lease_expires_at = NULL, updated_at = now()
WHERE id = %(id)s AND fence = %(fence)s
"""

RECORD_ERROR = f"""
UPDATE {TABLE} SET last_error = %(error)s, last_error_at = now(), updated_at = now()
WHERE id = %(id)s
"""


@dataclass
class Lease:
    """A claimed segment: its read position and the fence that proves the claim."""

    projection: str
    generation: str
    segment: int
    checkpoint_id: int
    fence: int
    position: ReadPosition

    def advance(self, *, to: ReadPosition, applied: int, release: bool) -> bool:
        """Move the checkpoint (fenced), and with `release` let the lease go.

        Returns True if the lease was released; raises `LeaseLost` if another
        runner has claimed the segment.
        """
        txid, position = to.after or (0, 0)
        row = self._fetch(
            ADVANCE,
            since=to.since,
            target=to.target,
            txid=txid,
            position=position,
            applied=applied,
            moved=applied > 0 or to != self.position,
            release=release,
            lease=_lease_seconds(),
        )
        self.position = to
        return bool(row[0])

    def renew(self) -> None:
        self._execute(RENEW, lease=_lease_seconds())

    def release(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(RELEASE, {"id": self.checkpoint_id, "fence": self.fence})

    def record_error(self, error: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(RECORD_ERROR, {"id": self.checkpoint_id, "error": error})

    def _execute(self, sql: str, **params: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                sql, {"id": self.checkpoint_id, "fence": self.fence, **params}
            )
            if cursor.rowcount != 1:
                raise self._lost()

    def _fetch(self, sql: str, **params: Any) -> tuple[object, ...]:
        with connection.cursor() as cursor:
            cursor.execute(
                sql, {"id": self.checkpoint_id, "fence": self.fence, **params}
            )
            row = cursor.fetchone()
        if row is None:
            raise self._lost()
        return tuple(row)

    def _lost(self) -> LeaseLost:
        return LeaseLost(
            projection=self.projection, generation=self.generation, segment=self.segment
        )


def claim(*, projection: str, generation: str, segment: int) -> Lease | None:
    """Take the segment's lease, or None if a live runner holds it.

    A runner that finds the lease taken flags the segment `wanted`, so the
    holder goes round once more before letting go and no wake-up is lost.
    """
    lease = _try_claim(projection=projection, generation=generation, segment=segment)
    if lease is not None:
        return lease
    where: dict[str, Any] = {
        "projection": projection,
        "generation": generation,
        "segment": segment,
    }
    with connection.cursor() as cursor:
        cursor.execute(MARK_WANTED, where)
        flagged = cursor.rowcount
    if flagged:
        return None
    return _try_claim(projection=projection, generation=generation, segment=segment)


def claim_waiting(
    *, projection: str, generation: str, segment: int, timeout: float | None = None
) -> Lease:
    """Claim the segment, waiting for the current runner to let go."""
    if timeout is None:
        timeout = _lease_seconds() + float(tunables.get("RUN_SECONDS"))
    deadline = time.monotonic() + timeout
    while True:
        lease = _try_claim(
            projection=projection, generation=generation, segment=segment
        )
        if lease is not None:
            return lease
        if time.monotonic() > deadline:
            raise SegmentBusy(
                f"{projection}/{generation}/segment {segment} stayed leased "
                f"(or paused) for {timeout:.0f}s"
            )
        time.sleep(0.05)


def _owner() -> str:
    """A new runner's name: its host (to see where segments run) and a unique id."""
    return f"{socket.gethostname()[:24]}/{uuid.uuid4().hex}"


def _try_claim(*, projection: str, generation: str, segment: int) -> Lease | None:
    params: dict[str, Any] = {
        "owner": _owner(),
        "lease": _lease_seconds(),
        "projection": projection,
        "generation": generation,
        "segment": segment,
    }
    with connection.cursor() as cursor:
        cursor.execute(CLAIM, params)
        row = cursor.fetchone()
    if row is None:
        return None
    checkpoint_id, fence, since, target, txid, position = row
    return Lease(
        projection=projection,
        generation=generation,
        segment=segment,
        checkpoint_id=checkpoint_id,
        fence=fence,
        position=ReadPosition(
            since=since,
            target=target,
            after=(txid, position) if target else None,
        ),
    )


def _lease_seconds() -> float:
    return float(tunables.get("LEASE_SECONDS"))
