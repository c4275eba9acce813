"""Command handlers: the only code that changes the write model.

Each handler is a plain `<entity>_<verb>(*, ...)` function run in one transaction
(`commands.write_guard.command_handler`), which locks the aggregates it changes,
bumps their versions and appends their events to the outbox before it commits.
"""
