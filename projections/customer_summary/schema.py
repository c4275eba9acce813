"""Redis layout of the `customer_summary` read model (see docs/CONTRACTS.md)."""

PROJECTION = "customer_summary"
