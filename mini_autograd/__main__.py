"""`python -m mini_autograd SCRIPT [ARGS]`: run an unmodified torch script on mini_autograd.

Every `import torch...` in the script (and in what it imports) resolves to mini_autograd's modules;
`python -m mini_autograd -m MODULE [ARGS]` runs a module the same way.
"""

from __future__ import annotations

import os
import runpy
import sys

from ._as_torch import install_as_torch

USAGE = "usage: python -m mini_autograd SCRIPT [ARGS...] | -m MODULE [ARGS...]"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(USAGE + "\n\n" + (__doc__ or "").strip())
        return 0 if args else 2
    if args[0] != "-m" and not os.path.exists(args[0]):
        print(f"python -m mini_autograd: can't open file {args[0]!r}", file=sys.stderr)
        return 2
    install_as_torch()
    if args[0] == "-m":
        if len(args) < 2:
            print(USAGE, file=sys.stderr)
            return 2
        sys.argv = [args[1], *args[2:]]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        return 0
    script = args[0]
    sys.argv = [script, *args[1:]]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
