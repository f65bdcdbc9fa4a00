import sys

from pismo.cli import main

sys.exit(main())
