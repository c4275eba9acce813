"""Redis layout of the `api_keys` read model (see docs/CONTRACTS.md)."""

PROJECTION = "api_keys"
