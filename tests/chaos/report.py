"""The fault → recovery table published in docs/CHAOS.md."""

from tests.chaos.scenario import Outcome

HEADER = (
    "| fault | serving again (s) | ack'd writes visible (s) | writes acknowledged "
    "| lost | drift (6 projections) | read answers | read violations |\n"
    "|---|---|---|---|---|---|---|---|"
)


def markdown_table(outcomes: list[Outcome]) -> str:
    return "\n".join([HEADER, *(_row(outcome) for outcome in outcomes)])


def _row(o: Outcome) -> str:
    answers = ", ".join(f"{k}×{v}" for k, v in sorted(o.read_answers.items()))
    drifted = sum(n for n in o.drift.values() if n > 0)
    drift = f"{drifted}" if len(o.drift) == 6 and min(o.drift.values()) >= 0 else "?"
    return (
        f"| {o.fault} | {_seconds(o.ready_seconds)} | {_seconds(o.visible_seconds)} "
        f"| {o.acknowledged} | {len(o.lost)} | {drift} | {answers} "
        f"| {len(o.read_violations)} |"
    )


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f}"
