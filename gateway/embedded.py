"""An embedded MongoDB-wire server (SecantusDB) for the demo and the tests.

The server runs as a child process bound to the loopback interface only; nothing
here ever listens on a public address.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bson import json_util
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import PyMongoError

HOST = "127.0.0.1"
MEMORY = ":memory:"
DEMO_SEED_DIR = Path(__file__).resolve().parent / "demo"


class EmbeddedMongoError(RuntimeError):
    """The embedded server could not be started."""


def free_port() -> int:
    """A port that was free a moment ago (the caller retries if it is taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class EmbeddedMongo:
    """A SecantusDB server running for the lifetime of a `with` block.

    `storage_path=None` keeps the data in a private temporary directory that is
    deleted on stop; `":memory:"` leaves that to the server; any other path is
    the caller's and is kept.
    """

    def __init__(
        self,
        storage_path: str | os.PathLike | None = None,
        *,
        startup_timeout: float = 30.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self._storage_path = storage_path
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.port: int | None = None
        self._process: subprocess.Popen | None = None
        self._workdir: Path | None = None
        self._log = None
        self._clients: list[MongoClient] = []

    # -- lifecycle -----------------------------------------------------------

    def __enter__(self) -> "EmbeddedMongo":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> "EmbeddedMongo":
        if self._process is not None:
            raise EmbeddedMongoError("embedded MongoDB is already started")
        self._workdir = Path(tempfile.mkdtemp(prefix="gateway-mongo-"))
        try:
            self._start_with_retries()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()
        if self._process is not None:
            _end_process(self._process, self.stop_timeout)
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    # -- access --------------------------------------------------------------

    @property
    def uri(self) -> str:
        if self.port is None:
            raise EmbeddedMongoError("embedded MongoDB is not started")
        return f"mongodb://{HOST}:{self.port}"

    def client(self, **kwargs) -> MongoClient:
        """A client for this server, closed when the server stops."""
        # The server advertises itself as a one-node replica set; a direct
        # connection keeps the driver from re-resolving the advertised host.
        kwargs.setdefault("directConnection", True)
        kwargs.setdefault("serverSelectionTimeoutMS", 5000)
        client = MongoClient(self.uri, **kwargs)
        self._clients.append(client)
        return client

    # -- internals -----------------------------------------------------------

    def _start_with_retries(self, attempts: int = 3) -> None:
        # A port picked by free_port() can be taken before the server binds it;
        # an early exit is then retried on another port.
        for attempt in range(attempts):
            self.port = free_port()
            self._spawn()
            if self._wait_ready() or attempt == attempts - 1:
                return
            _end_process(self._process, self.stop_timeout)
            self._process = None

    def _spawn(self) -> None:
        config = self._workdir / "secantusd.toml"
        config.touch()
        if self._log is not None:
            self._log.close()
        self._log = open(self._workdir / "server.log", "w+b")
        command = [
            sys.executable, "-m", "secantus",
            # An empty config file turns off auto-discovery of a stray
            # secantusd.toml (which could, e.g., switch on authentication).
            "--config", str(config),
            "--host", HOST,
            "--port", str(self.port),
            "--storage-path", self._storage_arg(),
        ]
        self._process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log
        )

    def _storage_arg(self) -> str:
        if self._storage_path is None:
            return str(self._workdir / "data")
        return os.fspath(self._storage_path)

    def _wait_ready(self) -> bool:
        """True once the server answers a ping; False if it exited early."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                if self._port_taken():
                    return False
                raise EmbeddedMongoError(self._failure("exited with status %s" % self._process.returncode))
            if self._ping():
                return True
            time.sleep(0.1)
        raise EmbeddedMongoError(self._failure(f"did not answer within {self.startup_timeout:g} s"))

    def _ping(self) -> bool:
        probe = MongoClient(self.uri, directConnection=True, serverSelectionTimeoutMS=300, connectTimeoutMS=300)
        try:
            probe.admin.command("ping")
            return True
        except PyMongoError:
            return False
        finally:
            probe.close()

    def _port_taken(self) -> bool:
        return "address already in use" in self._log_tail().lower()

    def _log_tail(self, limit: int = 2000) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0, os.SEEK_END)
        size = self._log.tell()
        self._log.seek(max(0, size - limit))
        return self._log.read().decode("utf-8", "replace")

    def _failure(self, what: str) -> str:
        tail = self._log_tail().strip() or "(no output)"
        return f"embedded MongoDB (secantus on {HOST}:{self.port}) {what}; server output:\n{tail}"


def _end_process(process: subprocess.Popen, timeout: float) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- seeding -------------------------------------------------------------------


def seed_files(folder: str | os.PathLike) -> list[Path]:
    """The seed files of a folder, one per collection, in a stable order."""
    files = sorted(Path(folder).glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no *.json seed files in {folder}")
    return files


def load_seed_file(path: Path) -> list[dict]:
    documents = json_util.loads(path.read_text(encoding="utf-8"))
    if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
        raise ValueError(f"{path.name}: expected an Extended JSON array of documents")
    return documents


def seed(db: Database, folder: str | os.PathLike) -> dict[str, int]:
    """Insert every `<Collection>.json` of `folder` into `db`; counts per collection."""
    counts: dict[str, int] = {}
    for path in seed_files(folder):
        documents = load_seed_file(path)
        if documents:
            db[path.stem].insert_many(documents)
        counts[path.stem] = len(documents)
    return counts


def seed_if_empty(db: Database, folder: str | os.PathLike) -> dict[str, int]:
    """Seed only when none of the folder's collections holds a document.

    Returns the counts inserted, or an empty dict when the data was already there
    (so restarting the demo on a kept storage path does not duplicate it).
    """
    names = [path.stem for path in seed_files(folder)]
    if any(db[name].find_one({}, {"_id": 1}) is not None for name in names):
        return {}
    return seed(db, folder)
