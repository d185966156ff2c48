from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from search.models import DocumentKind
from search.selectors import MODES, search


class Command(BaseCommand):
    help = (
        "Search as an anonymous visitor (public content only) and print the ranked results; "
        'with --json as [{"type", "id", "title", "score"}], with --batch one JSON array '
        "per query line."
    )

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", default="")
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument(
            "--type", choices=list(DocumentKind.values), action="append", dest="types"
        )
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--mode", choices=MODES, default="hybrid")
        parser.add_argument("--batch", help="A file with one query per line.")

    def handle(self, *args, **options):
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        if options["batch"]:
            path = Path(options["batch"])
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            queries = path.read_text(encoding="utf-8").splitlines()
            for query in queries:
                rows = self._run(query, options) if query.strip() else []
                self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        if not options["query"].strip():
            raise CommandError("Give a query, or --batch FILE.")
        rows = self._run(options["query"], options)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for rank, row in enumerate(rows, start=1):
            self.stdout.write(
                f"{rank:>3}. {row['score']:.3f} {row['type']}:{row['id']} {row['title']}"
            )

    def _run(self, query: str, options) -> list[dict]:
        results = search(
            user=AnonymousUser(),
            query=query,
            kinds=options["types"],
            mode=options["mode"],
            limit=options["limit"],
        )
        return [result.as_dict() for result in results]
