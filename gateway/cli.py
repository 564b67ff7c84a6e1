"""The ``scicat-gateway`` command."""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import threading

from pymongo.errors import PyMongoError
from werkzeug.serving import run_simple

from mappings.datacite import MappingResult, map_publication
from mappings.problems import ERROR

from . import quality
from .app import create_app
from .config import DEFAULT_BASE_URL, ConfigError, Settings
from .connection import scicat_database
from .rendering import EXPORT_FORMATS, datacite_problems, render_export
from .source import SciCatSource
from .store import open_store
from .sync import SyncReport, Syncer

NOT_FOUND = 2   # unknown or non-public DOI (the design fixes this code)
INVALID = 1     # the record exists but cannot be made valid


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(default_base_url=_own_url(args))
    except ConfigError as err:
        print(f"configuration error: {err}", file=sys.stderr)
        return 2
    return args.run(args, settings)


def _own_url(args) -> str:
    """The address `serve` listens on, as the default public URL of a development server."""
    if args.command == "serve":
        return f"http://{args.host}:{args.port}"
    return DEFAULT_BASE_URL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scicat-gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="print one record read straight from SciCat's MongoDB")
    export.add_argument("doi")
    export.add_argument("--format", default="datacite-xml", choices=sorted(EXPORT_FORMATS))
    export.set_defaults(run=cmd_export)
    check = commands.add_parser("check", help="map every record and report problems and a summary")
    check.add_argument("--json", action="store_true", help="one JSON object per record, then the summary")
    check.add_argument("--all", action="store_true", help="also list records without problems")
    check.set_defaults(run=cmd_check)
    sync = commands.add_parser("sync", help="update the record store from SciCat and print a summary line")
    sync.add_argument("--follow", action="store_true", help="keep syncing every --interval seconds")
    sync.add_argument("--interval", type=_positive_seconds, default=60.0,
                      help="seconds between passes with --follow (default 60)")
    sync.add_argument("--full", action="store_true",
                      help="re-map every record (also catches deleted Datasets and Proposals)")
    sync.set_defaults(run=cmd_sync)
    serve = commands.add_parser("serve", help="sync and serve the app (development and demos)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--sync-interval", type=_seconds, default=60.0,
                       help="seconds between background syncs; 0 syncs only at start")
    serve.set_defaults(run=cmd_serve)
    return parser


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")
    return value


def _positive_seconds(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        # A follower without a pause would query SciCat in a tight loop.
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def cmd_export(args, settings: Settings) -> int:
    with scicat_database(settings) as db:
        bundle = SciCatSource(db).bundle(args.doi)
        result = None if bundle is None else map_publication(
            bundle.published, bundle.datasets, bundle.proposals, settings.mapping_options)
    if result is None or not result.public:
        # Same words for both: a private DOI's existence is not revealed.
        print(f"{args.doi}: no public record with this DOI", file=sys.stderr)
        return NOT_FOUND
    rendered = render_export(result, args.format, settings)
    if rendered.problems:
        for problem in rendered.problems:
            print(f"{result.doi}: {problem.severity} {problem.code} {problem.field}: {problem.message}", file=sys.stderr)
        return INVALID
    sys.stdout.buffer.write(rendered.body)
    if not rendered.body.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    return 0


def cmd_check(args, settings: Settings) -> int:
    everything, public = quality.Summary(), quality.RepositorySummary()
    with scicat_database(settings) as db:
        for bundle in SciCatSource(db).bundles():
            result = map_publication(bundle.published, bundle.datasets, bundle.proposals, settings.mapping_options)
            everything.add(result)
            report = _report(result)
            if report is not None and result.public:
                public.add(report)
            _print_result(result, report, args)
    # The repository part is what GET /quality serves: the same reports over public records.
    repository = public.as_dict()
    if args.json:
        print(json.dumps({**everything.as_dict(), "quality": repository}))
    else:
        print(everything.text())
        print(quality.summary_text(repository))
    return 0


def _report(result: MappingResult) -> dict | None:
    if result.doi is None:
        return None
    # Public records are held to what sync checks before disseminating (the XSD too).
    return quality.record_report(result, datacite_problems(result) if result.public else ())


def cmd_sync(args, settings: Settings) -> int:
    store = open_store(settings.store)
    try:
        with _sigterm_interrupts(), scicat_database(settings) as db:
            syncer = Syncer(SciCatSource(db), store, settings)
            _print_report(syncer.run_once(full=args.full))
            if args.follow:
                _follow_until_interrupted(syncer, args.interval)
    except PyMongoError as err:
        print(f"sync failed: SciCat's database: {err}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def cmd_serve(args, settings: Settings) -> int:
    store = open_store(settings.store)
    stop = threading.Event()
    try:
        with _sigterm_interrupts(), scicat_database(settings) as db:
            syncer = Syncer(SciCatSource(db), store, settings)
            _print_report(syncer.run_once())
            background = _background_sync(syncer, args.sync_interval, stop)
            try:
                # The reloader would start a second embedded database; one process only.
                run_simple(args.host, args.port, create_app(settings, store),
                           threaded=True, use_reloader=False)
            finally:
                # Stop syncing before the database behind it goes away.
                stop.set()
                if background is not None:
                    background.join(timeout=60)
    finally:
        store.close()
    return 0


def _background_sync(syncer: Syncer, interval: float, stop: threading.Event) -> threading.Thread | None:
    if interval <= 0:
        return None
    thread = threading.Thread(target=syncer.follow, args=(interval, stop),
                              kwargs={"wait_first": True}, name="sync", daemon=True)
    thread.start()
    return thread


def _follow_until_interrupted(syncer: Syncer, interval: float) -> None:
    try:
        syncer.follow(interval, threading.Event(), on_report=_print_report, wait_first=True)
    except KeyboardInterrupt:
        pass  # Ctrl-C ends following; the pass it interrupted left the watermarks as they were


@contextlib.contextmanager
def _sigterm_interrupts():
    """SIGTERM (docker stop, systemd) unwinds like Ctrl-C while a command runs, so the
    embedded database is stopped and the store closed instead of being left behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _print_report(report: SyncReport) -> None:
    print(report.line(), flush=True)


def _print_result(result: MappingResult, report: dict | None, args) -> None:
    recommendations = report["recommendations"] if report else []
    if args.json:
        print(json.dumps({"doi": result.doi, "status": result.status, "public": result.public,
                          "valid": result.valid, "problems": [p.as_dict() for p in result.problems],
                          "recommendations": recommendations}))
        return
    if not result.problems and not recommendations and not args.all:
        return
    label = "INVALID" if not result.valid else "ok"
    print(f"{result.doi or '(no DOI)'} [{result.status}] {label}")
    for problem in sorted(result.problems, key=lambda p: (p.severity != ERROR, p.field)):
        print(f"  {problem.severity:<7} {problem.code:<40} {problem.field}: {problem.message}")
    for item in recommendations:
        print(f"  {item['severity']:<7} {item['code']:<40} {item['message']}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
