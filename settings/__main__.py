"""The settings from the command line.

    python -m settings NAME...           each value, one a line, as the code sees it
    python -m settings --shell NAME...   NAME='value' lines, for a shell's eval
    python -m settings --check           checks every variable that is set
    python -m settings --docs            docs/configuration.md

A value that cannot be used: its error on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import shlex
import sys

import settings
from settings.docs import markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m settings",
                                     description="Career Coach's environment variables")
    parser.add_argument("names", nargs="*", metavar="NAME")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--shell", action="store_true", help="print NAME='value' lines")
    mode.add_argument("--check", action="store_true", help="check every variable that is set")
    mode.add_argument("--docs", action="store_true", help="print docs/configuration.md")
    args = parser.parse_args(argv)
    if args.docs or args.check:
        if args.names:
            parser.error("--docs and --check take no names")
        if args.docs:
            sys.stdout.write(markdown())
            return 0
        errors = settings.check()
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        return 2 if errors else 0
    if not args.names:
        parser.error("name the variables (or --check, --docs)")
    unknown = [name for name in args.names if name not in settings.BY_NAME]
    if unknown:
        parser.error(f"not in the settings table: {', '.join(unknown)}")
    try:
        values = [(name, settings.shown(name)) for name in args.names]
    except settings.SettingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for name, value in values:
        print(f"{name}={shlex.quote(value)}" if args.shell else value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
