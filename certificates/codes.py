"""Certificate codes: 160 random bits (secrets), written in RFC 4648 base32 (A to Z, 2 to 7:
no 0, 1, 8 or 9 to mistake for O, I, B or g), shown and linked in groups of four."""

import base64
import re
import secrets

CODE_BYTES = 20  # 160 bits → exactly 32 base32 characters, no padding
CODE_LENGTH = 32
_NOT_CODE = re.compile(r"[\s-]+")
_CODE = re.compile(rf"^[A-Z2-7]{{{CODE_LENGTH}}}$")


def new_code() -> str:
    """A fresh unguessable code, 32 characters of base32 (stored without separators)."""
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")


def normalize_code(text: str) -> str | None:
    """The stored form of a code someone typed or followed (any case, with or without the
    dashes or spaces of the grouped form); None when it cannot be a code."""
    code = _NOT_CODE.sub("", text or "").upper()
    return code if _CODE.match(code) else None


def grouped(code: str) -> str:
    """`ABCD…` → `ABCD-EFGH-…`: how a code is printed and linked, readable aloud."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
