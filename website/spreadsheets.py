"""Admin exports that a shop manager opens in a spreadsheet."""


def spreadsheet_safe(value) -> str:
    """`value` as CSV text a spreadsheet shows and never runs: a cell starting with = + - @
    (or a tab or carriage return) is a formula there, so a leading quote keeps it text.

    For visitor-typed fields (e-mail addresses may legally start with "=")."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
