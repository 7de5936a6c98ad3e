"""The `sanctuary` console script: Django's management commands under one name.

`sanctuary migrate`, `sanctuary audit verify`, `sanctuary seed_demo`, `sanctuary runserver` …
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanctuary.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sanctuary", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
