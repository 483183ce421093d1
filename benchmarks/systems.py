"""The two systems `make bench` compares, each started on free ports and stopped again:

- ``stock``: Rasa's starter assistant as ``rasa init`` makes it (its default config), in
  var/bench/stock, trained once (timed) and reused; one Rasa server with the REST channel.
- ``ours``: Career Coach as ``make run`` starts it (scripts/run.sh): the action server and the
  Rasa server with models/career-coach.tar.gz, the channels of channels/credentials.py and the
  endpoints of ops/endpoints.py without production settings (in-memory tracker and lock
  stores), on a copy of the built knowledge base in the run's folder (so the plans the
  benchmark makes never reach var/plans.db).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import settings
from benchmarks.processes import Service, free_port
from benchmarks.stats import log_span_seconds
from ops import launch

ROOT = settings.PROJECT_ROOT
BIN = Path(sys.executable).parent
BENCH_DIR = settings.VAR_DIR / "bench"
STOCK_DIR = BENCH_DIR / "stock"
OUR_MODEL = ROOT / "models" / "career-coach.tar.gz"
OUR_TRAIN_LOG = settings.VAR_DIR / "log" / "train.log"
TRAINED = "Your Rasa model is trained"  # the last line of a `rasa train` that succeeded

# what would move ours off one machine (docs/operations.md); the benchmark leaves them out
PRODUCTION_SETTINGS = ("DATABASE_URL", "TRACKER_STORE_URL", "REDIS_URL", "ACTIONS_URL",
                       "RASA_API_TOKEN")
QUIET = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
         "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass
class Running:
    """A started system: its services, and the base URL of its Rasa server."""

    url: str
    services: list[Service] = field(default_factory=list)

    @property
    def pids(self) -> list[int]:
        return [s.pid for s in self.services]

    def stop(self) -> None:
        # the Rasa server first, so that it sends nothing more to the action server
        for service in reversed(self.services):
            service.stop()


class System:
    name = ""

    def prepare(self, work: Path) -> None:
        """Everything before the clock of "start to first answer" starts."""

    def start(self, work: Path) -> Running:
        raise NotImplementedError

    def training(self, retrain: bool, log: Callable[[str], None]) -> dict[str, Any]:
        raise NotImplementedError


def _timed(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> dict[str, Any]:
    """Runs a training command; its wall time and the span of its time-stamped log lines."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("w") as out:
        code = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                              check=False).returncode
    wall = time.monotonic() - started
    text = log.read_text(errors="replace")
    if code != 0:
        tail = "\n".join(text.splitlines()[-25:])
        raise RuntimeError(f"{Path(command[0]).name} {command[1]} failed (exit {code}); the end "
                           f"of {log}:\n{tail}")
    return {"wall_s": round(wall, 1), "log_span_s": log_span_seconds(text),
            "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "log": str(log)}


class Stock(System):
    """Rasa's starter assistant, made and trained by ``rasa init --no-prompt``."""

    name = "stock"
    record = STOCK_DIR / "training.json"

    def model(self) -> Path | None:
        models = sorted((STOCK_DIR / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        return models[-1] if models else None

    def training(self, retrain: bool, log: Callable[[str], None]) -> dict[str, Any]:
        if retrain or self.model() is None:
            if STOCK_DIR.exists():
                shutil.rmtree(STOCK_DIR)
            STOCK_DIR.mkdir(parents=True)
            log(f"stock: rasa init --no-prompt --init-dir {_rel(STOCK_DIR)} (creates and "
                "trains Rasa's starter assistant; a few minutes)")
            # its own cwd: rasa init works there, and its cache (.rasa/) stays there
            result = _timed([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", "."],
                            STOCK_DIR, {**settings.environ(), **QUIET},
                            BENCH_DIR / "stock-train.log")
            result["source"] = "measured: wall time of `rasa init --no-prompt` (creates the " \
                               "project, then trains it)"
            self.record.write_text(json.dumps(result, indent=2) + "\n")
            log(f"stock: trained in {result['wall_s']:.0f} s")
            return result
        if self.record.exists():
            result = json.loads(self.record.read_text())
            result["source"] = (f"measured when var/bench/stock was made "
                                f"({result.get('measured_at', '?')}); --retrain re-measures it")
            return dict(result)
        return {"wall_s": None, "log_span_s": None,
                "source": "unknown (var/bench/stock was made without a record): use --retrain"}

    def prepare(self, work: Path) -> None:
        if self.model() is None:
            raise RuntimeError(f"no trained stock model in {STOCK_DIR / 'models'}")
        # the REST channel only (the scaffold's credentials.yml also names Rasa X's channel)
        (work / "credentials.yml").write_text("rest:\n")

    def start(self, work: Path) -> Running:
        model = self.model()
        assert model is not None
        port = free_port()
        rasa = Service("stock Rasa server",
                       launch.rasa(port, model=model, endpoints=STOCK_DIR / "endpoints.yml",
                                   credentials=work / "credentials.yml", bin_dir=BIN),
                       cwd=STOCK_DIR, env={**settings.environ(), **QUIET}, log=work / "rasa.log")
        return Running(f"http://127.0.0.1:{port}", [rasa])


class Ours(System):
    """Career Coach: the action server and the Rasa server, as scripts/run.sh starts them."""

    name = "ours"

    def __init__(self) -> None:
        self.env: dict[str, str] = {}
        # off: the benchmark's messages repeat, and a cache hit skips most of understanding one
        self.sentence_cache = False
        self.actions_port = self.rasa_port = 0

    def training(self, retrain: bool, log: Callable[[str], None]) -> dict[str, Any]:
        if retrain:
            out = settings.get("TMPDIR") / f"bench-train-{os.getpid()}"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            log(f"ours: rasa train into {out} with an empty cache (3-5 minutes)")
            try:
                # an empty cache of its own: a full training, and the project's .rasa/ untouched
                env = {**settings.environ(), **QUIET, "RASA_CACHE_DIRECTORY": str(out / "cache"),
                       "KNOWLEDGE_NLP_DIR": str(settings.nlp_dir())}
                result = _timed([str(BIN / "rasa"), "train", "--fixed-model-name", "bench",
                                 "--out", str(out)], ROOT, env, BENCH_DIR / "ours-train.log")
            finally:
                shutil.rmtree(out, ignore_errors=True)
            result["source"] = "measured: wall time of `rasa train` (empty cache, temporary " \
                               "output; models/ untouched)"
            log(f"ours: trained in {result['wall_s']:.0f} s")
            return result
        if not OUR_TRAIN_LOG.exists():
            return {"wall_s": None, "log_span_s": None,
                    "source": f"unknown: no {_rel(OUR_TRAIN_LOG)} (make train writes it); "
                              "use --retrain"}
        text = OUR_TRAIN_LOG.read_text(errors="replace")
        if TRAINED not in text:
            return {"wall_s": None, "log_span_s": None,
                    "source": f"unknown: {_rel(OUR_TRAIN_LOG)} is of a training that is still "
                              "running or failed; use --retrain"}
        span = log_span_seconds(text)
        when = datetime.fromtimestamp(OUR_TRAIN_LOG.stat().st_mtime, timezone.utc)
        source = (f"{_rel(OUR_TRAIN_LOG)} of the last `make train` ({when:%Y-%m-%d %H:%M} "
                  "UTC): first to last time-stamped line (leaves out Rasa's ~10-20 s of "
                  "start-up)")
        restored = text.count("Restored component")
        if restored:
            source += (f"; {restored} component(s) came from Rasa's cache, so it was not a full "
                       "training (--retrain times one)")
        return {"wall_s": None, "log_span_s": span, "restored_from_cache": restored,
                "measured_at": when.isoformat(timespec="seconds"), "source": source}

    def prepare(self, work: Path) -> None:
        if not OUR_MODEL.exists():
            raise RuntimeError(f"no {_rel(OUR_MODEL)}: run `make train` first")
        url = settings.knowledge_database_url()
        if not url.startswith("sqlite:///"):
            raise RuntimeError("the benchmark runs on a copy of the SQLite knowledge base: "
                               "unset DATABASE_URL")
        database = Path(url.removeprefix("sqlite:///"))
        if not database.exists():
            raise RuntimeError(f"no knowledge base at {database}: run `make kb` first")
        # var/ of its own: the knowledge base copied, plans and the link secret made afresh
        shutil.copyfile(database, work / "knowledge.db")
        # one machine, everything embedded (in-memory tracker and lock stores), as `make run`
        # without production settings
        env = {k: v for k, v in settings.environ().items() if k not in PRODUCTION_SETTINGS}
        self.env = {**env, **QUIET, "CAREER_COACH_VAR": str(work),
                    "KNOWLEDGE_NLP_DIR": str(settings.nlp_dir())}
        if not self.sentence_cache:
            self.env["SENTENCE_CACHE_SIZE"] = "0"
        self.actions_port, self.rasa_port = free_port(), free_port()
        # the channels (REST and the website's socket.io) and the endpoints, as run.sh writes
        # them
        for command in (["channels.credentials", "--out", str(work / "credentials.yml")],
                        ["ops.endpoints", "--out", str(work / "endpoints.yml")]):
            subprocess.run(
                [sys.executable, "-m", *command], cwd=ROOT, check=True,
                env={**self.env,
                     "ACTIONS_URL": f"http://127.0.0.1:{self.actions_port}/webhook"},
                stdout=subprocess.DEVNULL)

    def start(self, work: Path) -> Running:
        actions_port, rasa_port = self.actions_port, self.rasa_port
        endpoints = work / "endpoints.yml"
        running = Running(f"http://127.0.0.1:{rasa_port}")
        # both at once, as `make run` does (ops/launch.py's command lines)
        running.services.append(Service(
            "action server", launch.actions(actions_port, bin_dir=BIN),
            cwd=ROOT, env=self.env, log=work / "actions.log"))
        try:
            running.services.append(Service(
                "Rasa server", launch.rasa(rasa_port, model=OUR_MODEL, endpoints=endpoints,
                                           credentials=work / "credentials.yml", bin_dir=BIN),
                cwd=ROOT, env=self.env, log=work / "rasa.log"))
        except BaseException:
            running.stop()
            raise
        return running


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


SYSTEMS: dict[str, Callable[[], System]] = {"stock": Stock, "ours": Ours}
