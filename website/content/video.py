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
