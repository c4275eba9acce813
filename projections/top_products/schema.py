"""Redis layout of the `top_products` read model (see docs/CONTRACTS.md)."""

PROJECTION = "top_products"
