"""``python -m ms_lr``: the command line (see :mod:`ms_lr.tools.cli`)."""
import sys

from ms_lr.tools.cli import main

if __name__ == "__main__":
    sys.exit(main())
