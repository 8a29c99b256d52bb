import sys

from oracxpred.cli import main

sys.exit(main())
