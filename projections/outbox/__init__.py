"""Reading the write side's outbox: batches in commit order, the snapshots and
horizons that say what has been applied, who holds a checkpoint back, pruning."""
