"""The command line's progress bar for the importers (tqdm on stderr, only on a terminal)."""

from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(stream, *, enabled: bool, unit: str):
    """A `progress(done, total)` callback drawing a bar on `stream`, or None when disabled."""
    if not enabled:
        yield None
        return
    bar = tqdm(total=0, file=stream, unit=unit, dynamic_ncols=True, leave=False)

    def progress(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()


def write_report(command, report) -> None:
    """The report on stdout; the summary line styled as success (or a notice for a dry run)."""
    lines = list(report.lines())
    for line in lines[:-1]:
        command.stdout.write(line)
    style = command.style.WARNING if report.dry_run else command.style.SUCCESS
    command.stdout.write(style(lines[-1]))
