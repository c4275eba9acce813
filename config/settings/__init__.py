"""Settings split by role (write, read) and environment (test, production)."""
