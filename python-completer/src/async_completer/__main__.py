"""`python -m async_completer`: the same program as the python-completer console script."""

from async_completer.cli import main

if __name__ == "__main__":
    main()
