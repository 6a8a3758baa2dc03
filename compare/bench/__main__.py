"""`python -m compare.bench`, the same as `python -m compare bench`."""

from compare.bench.cli import main

raise SystemExit(main())
