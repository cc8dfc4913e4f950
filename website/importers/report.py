"""The importers' report: what each source item became, and what needs a person's eye."""

from collections.abc import Iterator
from dataclasses import dataclass, field

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, SKIPPED)


@dataclass(frozen=True)
class Entry:
    """One item's outcome. `source_id` is the WordPress id, or the SKU (or CSV line)."""

    source_id: str
    title: str
    outcome: str
    kind: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Note:
    source_id: str
    title: str
    message: str


@dataclass
class ImportReport:
    """Every item once, in source order, with its outcome; warnings beside them.

    `dry_run` says the database was rolled back afterwards: the outcomes are what a real run
    would have done.
    """

    dry_run: bool = False
    entries: list[Entry] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)

    def add(self, source_id, title, outcome, *, kind="", reason="") -> None:
        self.entries.append(Entry(str(source_id), title, outcome, kind, reason))

    def warn(self, source_id, title, message) -> None:
        self.warnings.append(Note(str(source_id), title, message))

    def count(self, outcome: str) -> int:
        return sum(1 for entry in self.entries if entry.outcome == outcome)

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(outcome)} {outcome}" for outcome in OUTCOMES)
        return f"{counts}, {len(self.warnings)} warnings"

    def lines(self) -> Iterator[str]:
        """The report as text, for the command line (and the admin's job page)."""
        if self.dry_run:
            yield "Dry run: nothing was written."
        for outcome in OUTCOMES:
            entries = [e for e in self.entries if e.outcome == outcome]
            if not entries:
                continue
            yield f"{outcome.capitalize()} ({len(entries)}):"
            for entry in entries:
                kind = f" [{entry.kind}]" if entry.kind else ""
                reason = f": {entry.reason}" if entry.reason else ""
                yield f"  {entry.source_id}{kind} {entry.title!r}{reason}"
        if self.warnings:
            yield f"Warnings ({len(self.warnings)}):"
            for warning in self.warnings:
                yield f"  {warning.source_id} {warning.title!r}: {warning.message}"
        yield f"Total: {self.summary()}."


def write_report(command, report) -> None:
    """The report on stdout; the summary line styled as success (or a notice for a dry run)."""
    lines = list(report.lines())
    for line in lines[:-1]:
        command.stdout.write(line)
    style = command.style.WARNING if report.dry_run else command.style.SUCCESS
    command.stdout.write(style(lines[-1]))
