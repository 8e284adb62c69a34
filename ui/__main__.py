"""`python -m ui [FILE]` opens the desktop app."""

import sys

from ui.app import run_app

sys.exit(run_app(sys.argv[1] if len(sys.argv) > 1 else None))
