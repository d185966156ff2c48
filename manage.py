#!/usr/bin/env python
"""Django's command-line utility for Samenspel."""

import os
import sys


def main() -> None:
    from samenspel.native_threads import limit_native_threads

    limit_native_threads()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
