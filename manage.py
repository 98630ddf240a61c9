#!/usr/bin/env python
"""Django's command-line utility; `kolops` is the same thing, installed in the environment."""

from kolops.cli import main

if __name__ == "__main__":
    main()
