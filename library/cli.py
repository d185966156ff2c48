"""What the library commands share: the list of problems and a help formatter."""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from library.services import LibraryImportFailed

FAILED = "The import found {count} problem(s) and wrote nothing."


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of a command's help text (the CSV rules are a list)."""


def report_failure(command: BaseCommand, failure: LibraryImportFailed) -> CommandError:
    """Print every problem on stderr; return the error that makes the command exit 1."""
    for problem in failure.problems:
        command.stderr.write(str(problem))
    return CommandError(FAILED.format(count=len(failure.problems)))
