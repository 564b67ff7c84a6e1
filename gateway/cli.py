"""The ``scicat-gateway`` command."""
from __future__ import annotations

import argparse
import json
import logging
import sys

from mappings.datacite import MappingResult, map_publication
from mappings.problems import ERROR

from . import quality
from .config import ConfigError, Settings
from .connection import scicat_database
from .rendering import EXPORT_FORMATS, render_export
from .source import SciCatSource

NOT_FOUND = 2   # unknown or non-public DOI (the design fixes this code)
INVALID = 1     # the record exists but cannot be made valid


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as err:
        print(f"configuration error: {err}", file=sys.stderr)
        return 2
    return args.run(args, settings)


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
    return parser


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
    summary = quality.Summary()
    with scicat_database(settings) as db:
        for bundle in SciCatSource(db).bundles():
            result = map_publication(bundle.published, bundle.datasets, bundle.proposals, settings.mapping_options)
            summary.add(result)
            _print_result(result, args)
    print(json.dumps(summary.as_dict()) if args.json else summary.text())
    return 0


def _print_result(result: MappingResult, args) -> None:
    if args.json:
        print(json.dumps({"doi": result.doi, "status": result.status, "public": result.public,
                          "valid": result.valid, "problems": [p.as_dict() for p in result.problems]}))
        return
    if not result.problems and not args.all:
        return
    label = "INVALID" if not result.valid else "ok"
    print(f"{result.doi or '(no DOI)'} [{result.status}] {label}")
    for problem in sorted(result.problems, key=lambda p: (p.severity != ERROR, p.field)):
        print(f"  {problem.severity:<7} {problem.code:<40} {problem.field}: {problem.message}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
