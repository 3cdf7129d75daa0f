"""One module per verb, each a click command that cli.py puts in the program. A verb checks
its command line (options.py), then uses the modules below it; nothing below imports a
verb."""
