import sys

from espace.cli import main

sys.exit(main())
