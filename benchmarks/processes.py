"""Processes for the benchmark: servers started in their own process groups (so that stopping one
stops its children too), free ports, and the resident memory of everything a system started."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import psutil

from ops import launch


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service(launch.Process):
    """A server process in its own process group, its output in a log file: one of
    ops.launch's commands (as `make run` starts it), under ``name``."""

    def __init__(self, name: str, command: launch.Command, *, cwd: Path, env: Mapping[str, str],
                 log: Path):
        super().__init__(launch.Command(command.name, name, command.argv, command.env,
                                        command.ready_url), log, env=env, cwd=cwd)

    def tail(self, lines: int = 25, skip: str = "") -> str:
        """The last lines of its log (leaving out those that contain ``skip``)."""
        return super().tail(lines, skip)


def tree_rss(pids: Iterable[int]) -> int:
    """Resident bytes of these processes and all their descendants, summed (shared pages are
    counted once per process, as `ps` and `top` show them)."""
    seen: set[int] = set()
    total = 0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            family = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for process in family:
            if process.pid in seen:
                continue
            seen.add(process.pid)
            try:
                total += process.memory_info().rss
            except psutil.Error:
                continue
    return total


class MemorySampler:
    """Samples :func:`tree_rss` of a set of processes in a background thread; keeps the peak and
    the latest value."""

    def __init__(self, pids: Iterable[int], interval: float = 0.5):
        self.pids = list(pids)
        self.interval = interval
        self.peak = 0
        self.last = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> int:
        value = tree_rss(self.pids)
        self.last = value
        self.peak = max(self.peak, value)
        return value

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


# A Rasa server that could not load its model still starts, and answers every message with
# nothing: waiting longer would not help.
NO_MODEL = "Ignoring message as there is no agent to handle it"


def wait_for(ready: Callable[[], bool], services: Iterable[Service], timeout: float,
             poll: float = 0.25) -> float:
    """Calls ``ready()`` until it returns true; returns the seconds waited. Fails with the end of
    the log of a service that exits (or cannot load its model) while waiting, or of all of them
    after ``timeout``."""
    services = list(services)
    started = time.monotonic()
    while True:
        for service in services:
            if not service.alive():
                raise RuntimeError(f"{service.name} exited while starting "
                                   f"(code {service.process.returncode}); the end of "
                                   f"{service.log}:\n{service.tail()}")
        if ready():
            return time.monotonic() - started
        for service in services:
            if NO_MODEL in service.tail(5):
                raise RuntimeError(f"{service.name} started without its model; the end of "
                                   f"{service.log}:\n{service.tail(40, skip=NO_MODEL)}")
        if time.monotonic() - started > timeout:
            tails = "\n".join(f"--- {s.name} ({s.log}):\n{s.tail()}" for s in services)
            raise TimeoutError(f"no answer after {timeout:.0f} s; the end of the logs:\n{tails}")
        time.sleep(poll)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its living descendants."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        family = [root, *root.children(recursive=True)]
    except psutil.Error:
        return total
    for process in family:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total
