"""Redis layout of the `stock` read model (see docs/CONTRACTS.md)."""

PROJECTION = "stock"
