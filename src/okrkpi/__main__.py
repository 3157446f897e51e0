"""`python -m okrkpi`: score the embedded example, or a file (see `okrkpi --help`)."""

from okrkpi._edges.cli import main

raise SystemExit(main())
