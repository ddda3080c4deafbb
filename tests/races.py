"""Actions started at one moment, each in a thread with a database connection of its own."""

import threading
import time
from collections.abc import Callable

from django.db import connection


def race(*actions: Callable[[], object], timeout: float = 60.0) -> list:
    """Run the actions at once, as concurrent requests or workers would; their results, in order.

    The threads wait at one barrier, so none starts before all are ready. Django
    gives each thread its own connection, so each action runs in transactions of
    its own (concurrent writers need PostgreSQL: SQLite locks the whole file).
    An action that raises fails the race with its exception once every thread
    has finished; an action that expects an error catches it and returns it.
    """
    start = threading.Barrier(len(actions))
    results: list = [None] * len(actions)
    errors: list[BaseException | None] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            start.wait(timeout=timeout)
            results[index] = action()
        except BaseException as error:
            errors[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, action), daemon=True)
        for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0))
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"an action of the race was still running after {timeout}s")
    for error in errors:
        if error is not None:
            raise error
    return results
