"""A loop on a daemon thread for the length of a `with` block."""

import threading


class Background:
    """Calls `step()` every `interval` seconds until the `with` block ends."""

    interval = 0.05

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=60)

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.step()

    def step(self) -> None:
        raise NotImplementedError
