"""Which kind of page a site path is, for the load test's content mix (kept free of locust)."""


def page_kind(path: str) -> str | None:
    """The kind of page at `path`, or None for anything else the sitemap lists.

    Kinds: home, episodes index, episode, articles index, article, category, course; the
    course index and lessons are None.
    """
    parts = [part for part in path.split("/") if part]
    if not parts:
        return "home"
    if parts[0] in {"episodes", "articles"}:
        if len(parts) == 1:
            return f"{parts[0]} index"
        return "category" if parts[1] == "category" else parts[0].removesuffix("s")
    if parts[0] == "courses" and len(parts) == 2:
        return "course"
    return None
