"""Zero-downtime rebuilds of projections: snapshot, catch up, swap, roll back.

See `projections.rebuilds.rebuild` for the sequence and why it is safe.
"""
