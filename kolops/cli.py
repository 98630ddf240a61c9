"""The `kolops` console command: runs every Django management command of the project."""

import os
import sys


def main() -> None:
    """Run a management command, e.g. `kolops seed --kols 100` or `kolops migrate`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kolops.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kolops", *sys.argv[1:]])


if __name__ == "__main__":
    main()
