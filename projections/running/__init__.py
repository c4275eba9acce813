"""The projector processes: segment runs under fenced leases, the listener that
wakes them, dead letters, watermarks for read-your-writes, worker heartbeats."""
