"""`python -m ponte <command>`: the same commands as manage.py, e.g. `python -m ponte seed-demo`."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings")
    from django.core.management import execute_from_command_line

    argv = [sys.argv[0], *sys.argv[1:]]
    if len(argv) > 1:
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
