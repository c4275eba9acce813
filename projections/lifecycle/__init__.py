"""Generations of a projection: which is live, when one is lost, how it heals
(rebuilds themselves are in `projections.rebuilds`)."""
