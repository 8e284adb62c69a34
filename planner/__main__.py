"""`python -m planner` is the `qiantu` command."""

import sys

from planner.cli import main

sys.exit(main())
