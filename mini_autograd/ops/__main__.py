"""`python -m mini_autograd.ops [--write README.md]`: print or write the list of supported ops."""

from __future__ import annotations

import argparse

import mini_autograd  # noqa: F401 - registers every op

from ._readme import markdown, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mini_autograd.ops", description=__doc__)
    parser.add_argument("--write", metavar="README", help="replace the marked section of README")
    args = parser.parse_args(argv)
    if args.write:
        changed = write(args.write)
        print(f"{args.write}: {'updated' if changed else 'already up to date'}")
    else:
        print(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
