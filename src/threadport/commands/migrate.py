"""`threadport migrate PATH...`: Python 2 sources -> Python 3 (2to3 fixers, threadport, pyupgrade)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from threadport.diffs import unified_diff


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Python 2 files and folders")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    where.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="write the Python 3 files under DIR (same relative paths) and leave the sources alone",
    )
    parser.add_argument("--aggressive", action="store_true", help="as in `threadport fix --aggressive`")


def _target(path: Path, root: Path, output_dir: Path | None) -> Path:
    if output_dir is None:
        return path
    relative = path.relative_to(root) if root.is_dir() else Path(path.name)
    return output_dir / relative


def run(args: argparse.Namespace) -> int:
    from threadport.fixer.migrate import MigrateError, migrate_texts
    from threadport.fixer.source import SourceError, read_source, write_atomic
    from threadport.fixer.walk import iter_files

    errors = migrated = 0
    found = [(Path(root_name), Path(path)) for root_name in args.paths for path, _ in iter_files([root_name])]
    sources = []
    for root, path in found:
        try:
            sources.append((root, read_source(path)))
        except SourceError as error:
            errors += 1
            print(f"{path}: error: {error}", file=sys.stderr)
    # one pyupgrade process for all the files (see fixer.migrate)
    results = migrate_texts([(source.text, str(source.path)) for _, source in sources], aggressive=args.aggressive)
    for (root, source), new_text in zip(sources, results):
        path = source.path
        try:
            if isinstance(new_text, MigrateError):
                raise new_text
            data = new_text.encode(source.encoding)
        except (MigrateError, UnicodeEncodeError) as error:
            errors += 1
            print(f"{path}: error: {error}", file=sys.stderr)
            continue
        if args.diff:
            sys.stdout.writelines(unified_diff(source.text, new_text, str(path)))
            continue
        target = _target(path, root, args.output_dir)
        if target == path and data == source.data:
            continue
        try:
            if target.exists():
                # In place: only over the bytes that were read (a concurrent edit is reported, not lost).
                write_atomic(target, data, expected=source.data if target == path else None)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        except SourceError as error:  # read-only, another owner's, changed meanwhile, not a regular file
            errors += 1
            print(f"{target}: error: {error}", file=sys.stderr)
            continue
        except OSError as error:
            errors += 1
            print(f"{target}: error: cannot write: {error.strerror or error}", file=sys.stderr)
            continue
        migrated += 1
        print(f"Migrated {path}" + ("" if target == path else f" -> {target}"))
    if errors:
        print(f"{errors} file{'s' * (errors != 1)} could not be migrated.", file=sys.stderr)
        return 2
    return 0
