class ImportFileRejected(Exception):
    """The file as a whole cannot be imported (not WXR, not UTF-8, truncated, missing
    columns): nothing is written. The message names the file's problem and where it is."""


class ItemRejected(Exception):
    """One item cannot be imported; it is skipped with this reason and nothing of it is
    written. The other items go on."""
