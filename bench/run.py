"""make bench's entry point: `.venv/bin/python bench/run.py [OPTIONS]` (see --help).

Run as a script, so it puts the repository root on the import path for the `bench` and
`tests` packages (the harness that starts the dev server is shared with the tests)."""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.main import main

    main()
