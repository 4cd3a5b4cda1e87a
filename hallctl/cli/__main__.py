"""``python -m hallctl.cli …``, the same as the ``hallctl`` console script."""

import sys

from hallctl.cli import main

sys.exit(main())
