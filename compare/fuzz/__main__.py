"""`python -m compare.fuzz`, the same as `python -m compare fuzz`."""

from compare.fuzz.cli import main

raise SystemExit(main())
