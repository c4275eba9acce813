"""Drift between a read model and the write model: find it, count it, repair it.

See `projections.verification.verify` for the passes and why they are exact.
"""
