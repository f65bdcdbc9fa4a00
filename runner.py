"""The entry shim: ``python runner.py COMMAND`` is ``pismo COMMAND`` (see ``pismo.cli``)."""

import sys

from pismo.cli import main

if __name__ == "__main__":
    sys.exit(main())
