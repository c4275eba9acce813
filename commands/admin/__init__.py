"""Admin of the write model. Every save, delete and action runs a command handler, so
admin changes reach the outbox like any other; Django's "delete selected" is removed.

The modules below register their model admins when Django's autodiscovery imports
this package.
"""

from commands.admin import api_keys, catalogue, inventory, records, sales

__all__ = ["api_keys", "catalogue", "inventory", "records", "sales"]
