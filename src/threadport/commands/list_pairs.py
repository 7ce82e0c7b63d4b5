"""`threadport list`: one pair a line, stem TAB title."""

from __future__ import annotations

import argparse

from threadport.catalog import load_catalog


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    for pair in load_catalog():
        print(f"{pair.stem}\t{pair.title}")
    return 0
