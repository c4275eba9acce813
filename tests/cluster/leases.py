"""Which host runs which segment: the lease owners of the cluster, sampled."""

import threading
import time
from dataclasses import dataclass, field

from tests.cluster.stack import NAME, ClusterStack

OWNERS = """
SELECT projection, segment, split_part(lease_owner, '/', 1)
FROM projections_segmentcheckpoint
WHERE lease_owner <> '' AND lease_expires_at > now()
"""


@dataclass
class LeaseSampler:
    """Samples the held leases every 100 ms until stopped: (time, host) pairs."""

    stack: ClusterStack
    samples: list[tuple[float, str, str, int]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> "LeaseSampler":
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        with self.stack.database() as connection:
            while not self.stopping.wait(0.1):
                rows = connection.execute(OWNERS).fetchall()
                now = time.monotonic()
                self.samples += [(now, host, name, seg) for name, seg, host in rows]

    def hosts(self, *, since: float = 0.0, until: float = float("inf")) -> set[str]:
        """Hosts (b, c) seen holding a lease between `since` and `until`."""
        prefix = f"{NAME}-"
        return {
            host.removeprefix(prefix)
            for when, host, _, _ in self.samples
            if since <= when <= until
        }
