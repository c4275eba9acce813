"""NOTIFY cqrs_outbox after every insert into the outbox (delivered on commit only)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION commands_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- PostgreSQL folds identical notifications of one transaction into one.
    PERFORM pg_notify('cqrs_outbox', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER commands_outbox_notify
    AFTER INSERT ON commands_outboxevent
    FOR EACH STATEMENT EXECUTE FUNCTION commands_outbox_notify();
"""

DROP = """
DROP TRIGGER IF EXISTS commands_outbox_notify ON commands_outboxevent;
DROP FUNCTION IF EXISTS commands_outbox_notify();
"""


class Migration(migrations.Migration):
    dependencies = [("commands", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
