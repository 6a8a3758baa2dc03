"""`python -m compare`: see compare.cli; `python -m compare fuzz ...`: see compare.fuzz.cli."""

import sys

if sys.argv[1:2] == ["fuzz"]:
    from compare.fuzz.cli import main as fuzz

    raise SystemExit(fuzz(sys.argv[2:]))

from compare.cli import main

raise SystemExit(main())
