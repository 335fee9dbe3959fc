"""`python -m insights` runs the command line."""

from insights.cli import main

raise SystemExit(main())
