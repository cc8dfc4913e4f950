"""Recognise provider video URLs (YouTube, Vimeo) without asking the provider anything."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{6,12}$")


@dataclass(frozen=True)
class ProviderVideo:
    provider: str
    video_id: str

    @property
    def embed_url(self) -> str:
        """The player URL, built into an iframe only when the visitor presses play."""
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?autoplay=1&rel=0"
        return f"https://player.vimeo.com/video/{self.video_id}?autoplay=1"

    @property
    def watch_url(self) -> str:
        if self.provider == "youtube":
            return f"https://www.youtube.com/watch?v={self.video_id}"
        return f"https://vimeo.com/{self.video_id}"

    @property
    def provider_name(self) -> str:
        return {"youtube": "YouTube", "vimeo": "Vimeo"}[self.provider]


def parse_video_url(url: str) -> ProviderVideo | None:
    """The provider and id of a YouTube or Vimeo URL, or None for anything else."""
    parsed = urlparse((url or "").strip())
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    parts = [p for p in parsed.path.split("/") if p]
    candidate = None
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if parts[:1] == ["watch"]:
            candidate = parse_qs(parsed.query).get("v", [""])[0]
        elif len(parts) >= 2 and parts[0] in {"embed", "shorts", "live", "v"}:
            candidate = parts[1]
        if candidate and _YOUTUBE_ID.match(candidate):
            return ProviderVideo("youtube", candidate)
    elif host == "youtu.be" and parts and _YOUTUBE_ID.match(parts[0]):
        return ProviderVideo("youtube", parts[0])
    elif host in {"vimeo.com", "player.vimeo.com"}:
        numeric = [p for p in parts if _VIMEO_ID.match(p)]
        if numeric:
            return ProviderVideo("vimeo", numeric[0])
    return None


# Longer than this is a typo (an hour typed into the minutes), not a video of ours.
MAX_VIDEO_SECONDS = 10 * 60 * 60


def parse_clock(text: str) -> int | None:
    """Seconds of a clock reading, "m:ss" (minutes may run past 59) or "h:mm:ss"; else None.

    "4:05" → 245, "75:00" → 4500, "1:02:03" → 3723. Seconds (and minutes after hours) run
    00 to 59, so "4:75" and "1:75:00" are None, as is anything signed or fractional.
    """
    parts = (text or "").strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    *leading, seconds = (int(p) for p in parts)
    if len(parts[-1]) != 2 or seconds > 59:
        return None
    if len(parts) == 3:
        hours, minutes = leading
        if len(parts[1]) != 2 or minutes > 59 or len(parts[0]) > 2:
            return None
        return hours * 3600 + minutes * 60 + seconds
    if len(parts[0]) > 3:
        return None
    return leading[0] * 60 + seconds


def clock_label(seconds: int) -> str:
    """How a length reads on the poster: 245 → "4:05", 3723 → "1:02:03"."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def iso_duration(seconds: int) -> str:
    """ISO 8601 duration (schema.org `duration`, HTML `<time datetime>`): 3723 → "PT1H2M3S"."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}H" if hours else "", f"{minutes}M" if minutes else ""]
    parts.append(f"{seconds}S" if seconds or not (hours or minutes) else "")
    return "PT" + "".join(parts)
