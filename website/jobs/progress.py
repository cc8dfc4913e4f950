"""A job's progress drawn on the command line: the commands that run a job kind's work in the
foreground (`import_trainers`, `import_wordpress`, `import_woocommerce`) show a tqdm bar."""

from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(command, *, verbosity: int, unit: str):
    """A `progress(done, total, phase="")` callback (the jobs' `Progress`) drawing a bar on
    the command's stderr, or None when stderr is not a terminal (a cron job's log gets the
    result lines alone) or the command runs with --verbosity 0."""
    if verbosity < 1 or not command.stderr.isatty():
        yield None
        return
    bar = tqdm(total=0, file=command.stderr._out, unit=unit, dynamic_ncols=True, leave=False)

    def progress(done: int, total: int, phase: str = "") -> None:
        if phase:
            bar.set_description(phase, refresh=False)
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()
