"""A rebuild SIGKILLed halfway resumes its own generation; readers never see it partial."""

import signal
import subprocess
import sys
import threading

import pytest
from django.db import connection

from projections import naming
from projections.models import GenerationState, ProjectionGeneration
from projections.rebuilds.ledger import open_ledger
from projections.rebuilds.models import RebuildRun, RebuildStage, RebuildState
from projections.verification.verify import verify_projection
from tests.processes import ROOT, poll_until
from tests.projections.draining import drain
from tests.projections.rebuild.reading import alias_targets
from tests.projections.rebuild.seeding import make_catalog

ALIAS_POLL = 0.02


class AliasWatch(threading.Thread):
    """Records every set of indices the alias points at, until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.seen: list[frozenset[str]] = []

    def run(self) -> None:
        while not self.stop.is_set():
            self.seen.append(frozenset(alias_targets("products")))
            self.stop.wait(ALIAS_POLL)

    def finish(self) -> set[frozenset[str]]:
        self.stop.set()
        self.join(timeout=10)
        return set(self.seen)


@pytest.fixture
def command_env(engine_db, project_env) -> dict[str, str]:
    return {
        **project_env,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PGDATABASE": connection.settings_dict["NAME"],
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lock_released(projection: str) -> bool:
    with open_ledger() as ledger:
        return ledger.try_lock(projection)  # closing the session lets go again


def loading_run() -> RebuildRun | None:
    return RebuildRun.objects.filter(
        state=RebuildState.RUNNING, stage=RebuildStage.LOADING, rows_done__gte=30
    ).first()


def test_rebuild_killed_halfway_resumes_and_readers_only_ever_see_complete_indices(
    command_env,
):
    make_catalog(products=240)
    drain(names=["products"])
    old = naming.index_name(projection="products", generation="1")
    new = naming.index_name(projection="products", generation="2")
    watch = AliasWatch()
    watch.start()
    first = manage(
        "rebuild_projection",
        "products",
        "--batch-size",
        "10",
        "--max-rate",
        "30",
        env=command_env,
    )
    try:
        halfway = poll_until(loading_run, timeout=60)
        second = manage("rebuild_projection", "products", env=command_env)
        _, refusal = second.communicate(timeout=60)
        still_loading = first.poll() is None
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        first.kill()
        first.communicate()
    interrupted = RebuildRun.objects.get(pk=halfway.pk)
    during_crash = watch.finish()

    assert still_loading
    assert second.returncode != 0
    assert "another rebuild or rollback of 'products' is running" in refusal
    assert during_crash == {frozenset({old})}
    assert 0 < interrupted.rows_done < 240
    assert interrupted.last_pk is not None
    assert interrupted.state == RebuildState.RUNNING  # it never got to say otherwise

    poll_until(lambda: lock_released("products"), timeout=30)
    watch = AliasWatch()
    watch.start()
    resumed = manage("rebuild_projection", "products", "--resume", env=command_env)
    _, errors = resumed.communicate(timeout=120)
    after_resume = watch.finish()
    run = RebuildRun.objects.get(pk=interrupted.pk)

    assert resumed.returncode == 0, errors
    assert list(RebuildRun.objects.filter(generation="2")) == [run]
    assert (run.state, run.rows_done) == (RebuildState.SUCCEEDED, 240)
    assert after_resume <= {frozenset({old}), frozenset({new})}
    assert alias_targets("products") == {new}
    assert (
        ProjectionGeneration.objects.get(generation="2").state == GenerationState.LIVE
    )
    report = verify_projection(projection="products")
    assert (report.checked, report.drifted) == (240, 0)
