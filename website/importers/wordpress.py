"""WordPress eXtended RSS (WXR 1.0 to 1.2) → articles, episodes, standard pages, images,
documents, categories, tags and redirects.

The export is parsed whole before anything is written (defusedxml: no DTD, no entities, so
no billion laughs and no external entity reads), then imported item by item: attachments,
categories, pages (parents first), posts; and last, once more, the items whose links
pointed at content imported after them.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Page

from website.content.models import (
    ArticleIndexPage,
    ArticlePage,
    Category,
    EpisodeIndexPage,
    EpisodePage,
    HomePage,
    StandardPage,
)
from website.importers.blocks import Conversion, body_blocks, plain_text
from website.importers.exceptions import ImportFileRejected, ItemRejected
from website.importers.models import ImportedItem
from website.importers.report import SKIPPED, UNCHANGED, ImportReport
from website.importers.services import (
    ImportRun,
    Progress,
    file_store,
    fingerprint,
    free_slug,
    import_transaction,
    imported_get,
    imported_image_for_path,
    imported_record,
    outcome_for,
    page_save,
    redirect_set,
    upload_file,
    upload_path,
)

SOURCE = ImportedItem.Source.WORDPRESS
NS_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
NS_DC = "{http://purl.org/dc/elements/1.1/}"
_WP_NAMESPACE = re.compile(r"^\{(http://wordpress\.org/export/1\.\d/)\}")
DEFAULT_EPISODE_CATEGORY = "Episodes"
DEFAULT_EPISODE_TITLE = r"\s[-\u2013\u2014]\s*Episode\s+(\d+)\s*$"
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")
TITLE_MAX = 255


@dataclass(frozen=True)
class WxrTerm:
    term_id: int
    taxonomy: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass(frozen=True)
class WxrItem:
    post_id: int
    post_type: str
    status: str
    title: str
    slug: str
    link: str
    guid: str
    content: str
    excerpt: str
    creator: str
    post_date: datetime | None
    parent_id: int
    menu_order: int
    password: str
    terms: tuple[tuple[str, str, str], ...]  # (taxonomy, slug, name)
    meta: dict = field(hash=False)
    attachment_url: str = ""

    @property
    def label(self) -> str:
        return self.title or f"(untitled {self.post_type} {self.post_id})"

    def term_slugs(self, taxonomy: str) -> list[str]:
        return [slug for tax, slug, _ in self.terms if tax == taxonomy]


@dataclass(frozen=True)
class WxrExport:
    version: str
    site_url: str
    authors: dict[str, str]
    terms: tuple[WxrTerm, ...]
    items: tuple[WxrItem, ...]


def wxr_parse(data: bytes) -> WxrExport:
    """The export's authors, terms and items; ImportFileRejected with the line and column
    for a file that is not UTF-8, not well-formed, truncated, declares entities or is not a
    WordPress export at all."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileRejected(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "WordPress exports are UTF-8."
        ) from None
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportFileRejected(
            "The file declares a DTD or entities, which a WordPress export never does; "
            "refused for safety."
        ) from None
    except ParseError as exc:
        line, column = exc.position
        hint = " (the file looks truncated)" if "no element found" in str(exc) else ""
        raise ImportFileRejected(
            f"The file is not well-formed XML: {exc.msg if hasattr(exc, 'msg') else exc} "
            f"at line {line}, column {column}{hint}."
        ) from None
    channel = root.find("channel")
    wp = _wp_namespace(channel) if root.tag == "rss" and channel is not None else None
    if wp is None:
        raise ImportFileRejected(
            "The file is XML but not a WordPress export (WXR): expected <rss> with a <channel> "
            "and wp: elements. Export it from WordPress under Tools → Export."
        )

    def text(element: Element, name: str) -> str:
        found = element.find(name)
        return (found.text or "").strip() if found is not None else ""

    authors = {
        text(a, f"{wp}author_login"): text(a, f"{wp}author_display_name")
        or text(a, f"{wp}author_login")
        for a in channel.findall(f"{wp}author")
    }
    terms = []
    for element in channel.findall(f"{wp}category"):
        terms.append(
            WxrTerm(
                term_id=_int(text(element, f"{wp}term_id")),
                taxonomy="category",
                slug=unquote(text(element, f"{wp}category_nicename")),
                name=text(element, f"{wp}cat_name"),
                parent_slug=unquote(text(element, f"{wp}category_parent")),
                description=text(element, f"{wp}category_description"),
            )
        )
    for element in channel.findall(f"{wp}tag"):
        terms.append(
            WxrTerm(
                term_id=_int(text(element, f"{wp}term_id")),
                taxonomy="post_tag",
                slug=unquote(text(element, f"{wp}tag_slug")),
                name=text(element, f"{wp}tag_name"),
            )
        )
    items = []
    for element in channel.findall("item"):
        post_id = _int(text(element, f"{wp}post_id"))
        if not post_id:
            raise ImportFileRejected(
                f"An item titled {text(element, 'title')!r} has no wp:post_id; "
                "the export is damaged."
            )
        meta = {
            text(m, f"{wp}meta_key"): (m.find(f"{wp}meta_value").text or "")
            for m in element.findall(f"{wp}postmeta")
            if m.find(f"{wp}meta_value") is not None
        }
        content = element.find(f"{NS_CONTENT}encoded")
        excerpt = next(
            (
                child
                for child in element
                if child.tag.endswith("}encoded") and "excerpt" in child.tag
            ),
            None,
        )
        items.append(
            WxrItem(
                post_id=post_id,
                post_type=text(element, f"{wp}post_type") or "post",
                status=text(element, f"{wp}status") or "draft",
                title=" ".join(text(element, "title").split())[:TITLE_MAX],
                slug=unquote(text(element, f"{wp}post_name")),
                link=text(element, "link"),
                guid=text(element, "guid"),
                content=(content.text or "") if content is not None else "",
                excerpt=(excerpt.text or "") if excerpt is not None else "",
                creator=text(element, f"{NS_DC}creator"),
                post_date=_date(text(element, f"{wp}post_date_gmt"))
                or _date(text(element, f"{wp}post_date"), gmt=False),
                parent_id=_int(text(element, f"{wp}post_parent")),
                menu_order=_int(text(element, f"{wp}menu_order")),
                password=text(element, f"{wp}post_password"),
                terms=tuple(
                    (c.get("domain", ""), unquote(c.get("nicename", "")), (c.text or "").strip())
                    for c in element.findall("category")
                ),
                meta=meta,
                attachment_url=text(element, f"{wp}attachment_url"),
            )
        )
    version = text(channel, f"{wp}wxr_version") or wp.rstrip("/").rsplit("/", 1)[-1]
    return WxrExport(
        version=version,
        site_url=text(channel, f"{wp}base_blog_url") or text(channel, "link"),
        authors=authors,
        terms=tuple(terms),
        items=tuple(items),
    )


def _wp_namespace(channel: Element) -> str | None:
    for element in channel.iter():
        if match := _WP_NAMESPACE.match(element.tag):
            return "{" + match[1] + "}"
    return None


def _int(value: str) -> int:
    return int(value) if value.strip().isdigit() else 0


def _date(value: str, *, gmt: bool = True) -> datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    if gmt:
        return parsed.replace(tzinfo=UTC)
    return timezone.make_aware(parsed)


@dataclass
class WordPressOptions:
    """How posts are told apart: an episode is a post in `episode_category` (name or slug)
    or one whose title matches `episode_title` (its first group is the episode number)."""

    episode_category: str = DEFAULT_EPISODE_CATEGORY
    episode_title: str = DEFAULT_EPISODE_TITLE


def wordpress_import(
    *,
    data: bytes,
    uploads: Path | None = None,
    dry_run: bool = False,
    options: WordPressOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a WXR export; idempotent, keyed by the WordPress post/term id.

    The file is parsed whole first: a bad file raises ImportFileRejected and writes nothing.
    Each item is then written in its own transaction (a failing item is skipped with its
    reason, the rest go in); an item whose result would be the same as last time is left
    alone, so a second run of the same export changes nothing. A dry run does all of it and
    rolls everything back.
    """
    export = wxr_parse(data)
    run = ImportRun(source=SOURCE, uploads=uploads, dry_run=dry_run)
    with import_transaction(run):
        _WordPressImport(export, run, options or WordPressOptions(), progress).import_all()
    return run.report


class _WordPressImport:
    def __init__(self, export: WxrExport, run: ImportRun, options, progress):
        self.export, self.run, self.report = export, run, run.report
        self.options, self.progress = options, progress
        self.episode_title = re.compile(options.episode_title, re.IGNORECASE)
        self.items = {item.post_id: item for item in export.items}
        hosts = {urlparse(export.site_url).hostname}
        hosts |= {urlparse(i.link).hostname for i in export.items if i.link}
        self.old_hosts = {h.lower() for h in hosts if h}
        self.by_path: dict[str, int] = {}
        for item in export.items:
            for url in (item.link, item.attachment_url):
                if url:
                    self.by_path.setdefault(_path_key(url), item.post_id)
        self.pending: set[int] = set()
        self.needs_relink: set[int] = set()

    def import_all(self) -> None:
        attachments = [i for i in self.export.items if i.post_type == "attachment"]
        pages = _parents_first([i for i in self.export.items if i.post_type == "page"])
        posts = sorted(
            (i for i in self.export.items if i.post_type == "post"),
            key=lambda i: (i.post_date or datetime.min.replace(tzinfo=UTC), i.post_id),
        )
        others = [i for i in self.export.items if i.post_type not in {"attachment", "page", "post"}]
        categories = [t for t in self.export.terms if t.taxonomy == "category"]
        total = len(attachments) + len(categories) + len(pages) + len(posts) + len(others)
        done = 0
        self.pending = {i.post_id for i in pages + posts}
        home = HomePage.objects.first()
        if home is not None and (posts or categories):
            # Categories redirect to their page under /articles/, so it must exist first.
            _index(ArticleIndexPage, home, "Articles", "articles")

        def step():
            nonlocal done
            done += 1
            if self.progress:
                self.progress(done, total)

        for item in attachments:
            self.attachment(item)
            step()
        for term in categories:
            self.category(term)
            step()
        for item in [*pages, *posts]:
            self.post(item)
            self.pending.discard(item.post_id)
            step()
        for item in others:
            self.report.add(
                item.post_id,
                item.label,
                SKIPPED,
                kind=item.post_type,
                reason=f"post type {item.post_type!r} has no counterpart here",
            )
            step()
        # Links to content that came later in the export: now that it exists, once more.
        for post_id in sorted(self.needs_relink):
            self.post(self.items[post_id], relink=True)

    # Attachments → images (pictures) and documents (anything else).
    def attachment(self, item: WxrItem) -> None:
        relative = item.meta.get("_wp_attached_file") or upload_path(item.attachment_url)
        title = item.title or Path(relative).name
        with self.run.item(item.post_id, title, kind="attachment"):
            existing = imported_get(source=SOURCE, kind="attachment", source_id=item.post_id)
            path = upload_file(self.run, relative)
            if path is None:
                if existing is not None:
                    self.report.add(item.post_id, title, UNCHANGED, kind="attachment")
                    return
                # Said for both doors: the command's --uploads and the admin's .zip upload.
                where = (
                    "not given: no uploads folder (--uploads, or a .zip holding wp-content/uploads)"
                    if self.run.uploads is None
                    else "not found"
                )
                raise ItemRejected(f"file {relative} {where}")
            stat = path.stat()
            checksum = fingerprint([relative, title, stat.st_size, int(stat.st_mtime)])
            outcome = outcome_for(existing, checksum)
            if outcome != UNCHANGED:
                obj = file_store(
                    self.run,
                    path=path,
                    title=title,
                    existing=existing.target if existing else None,
                )
                imported_record(
                    source=SOURCE,
                    kind="attachment",
                    source_id=item.post_id,
                    target=obj,
                    title=title,
                    checksum=checksum,
                    file_path=relative,
                )
            self.report.add(item.post_id, title, outcome, kind="attachment")

    def category(self, term: WxrTerm) -> None:
        name = term.name or term.slug
        with self.run.item(f"category {term.term_id}", name, kind="category"):
            existing = imported_get(source=SOURCE, kind="category", source_id=term.term_id)
            values = {"name": name[:80], "slug": (term.slug or "")[:80], "desc": term.description}
            checksum = fingerprint(values)
            outcome = outcome_for(existing, checksum)
            if outcome != UNCHANGED:
                # An editor's category of the same slug or name is the same topic: reuse it.
                category = (
                    existing.target
                    if existing
                    else Category.objects.filter(slug=values["slug"]).first()
                    or Category.objects.filter(name__iexact=values["name"]).first()
                    or Category(slug=values["slug"], name=values["name"])
                )
                category.description = category.description or term.description
                category.full_clean()
                category.save()
                imported_record(
                    source=SOURCE,
                    kind="category",
                    source_id=term.term_id,
                    target=category,
                    title=name,
                    checksum=checksum,
                )
                index = ArticleIndexPage.objects.first()
                if index is not None:
                    url = index.category_url(category)
                    redirect_set(f"/category/{term.slug}/", link=url)
                    if nested := self._category_path(term):
                        redirect_set(f"/category/{nested}/", link=url)
            self.report.add(f"category {term.term_id}", name, outcome, kind="category")

    def _category_path(self, term: WxrTerm) -> str:
        by_slug = {t.slug: t for t in self.export.terms if t.taxonomy == "category"}
        parts, seen, current = [term.slug], {term.slug}, term
        while current.parent_slug and current.parent_slug in by_slug:
            if current.parent_slug in seen:
                break
            current = by_slug[current.parent_slug]
            seen.add(current.slug)
            parts.insert(0, current.slug)
        return "/".join(parts) if len(parts) > 1 else ""

    # Posts and pages.
    def post(self, item: WxrItem, *, relink: bool = False) -> None:
        if item.status in {"trash", "auto-draft", "inherit"}:
            self.report.add(
                item.post_id, item.label, SKIPPED, kind=item.post_type, reason=f"{item.status}"
            )
            return
        warnings: list[str] = []
        with self.run.item(item.post_id, item.label, kind=item.post_type):
            outcome, page = self._post(item, warnings)
            if relink:
                return
            self.report.add(
                item.post_id, item.label, outcome, kind=page.specific_class._meta.verbose_name
            )
            for message in warnings:
                self.report.warn(item.post_id, item.label, message)

    def _post(self, item: WxrItem, warnings: list[str]):
        existing = imported_get(source=SOURCE, kind="post", source_id=item.post_id)
        page = existing.target.specific if existing else None
        live = item.status == "publish" and not item.password
        if item.status == "private":
            warnings.append("private in WordPress: imported as a draft")
        elif item.password:
            warnings.append("password-protected in WordPress: imported as a draft")
        elif item.status == "future":
            warnings.append("scheduled in WordPress: imported as a draft; schedule it here")
        elif item.status == "pending":
            warnings.append("pending review in WordPress: imported as a draft")
        title = item.title
        if not title:
            title = f"Untitled (WordPress {item.post_type} {item.post_id})"
            live = False
            warnings.append("has no title: imported as a draft titled " + repr(title))

        conversion = Conversion(
            find_image=self._find_image,
            find_link=lambda href: self._find_link(href, item.post_id),
            video_title=title,
        )
        blocks = body_blocks(item.content, conversion)
        if conversion.unknown_shortcodes:
            names = ", ".join(f"[{n}]" for n in sorted(conversion.unknown_shortcodes))
            warnings.append(f"unknown shortcodes kept as text: {names}")
        warnings.extend(conversion.warnings)
        excerpt = plain_text(item.excerpt)
        featured = self._attachment_image(_int(item.meta.get("_thumbnail_id", "")))
        if item.meta.get("_thumbnail_id") and featured is None:
            warnings.append(f"featured image (attachment {item.meta['_thumbnail_id']}) is missing")
        categories = self._categories(item)
        tags = sorted({name for tax, _, name in item.terms if tax == "post_tag" and name})

        kind, parent, number = self._kind(item, page, warnings)
        if page is None:
            page = kind()
        fields: dict[str, Any] = {
            "title": title,
            "seo_title": "",
            "search_description": excerpt,
        }
        if isinstance(page, StandardPage):
            fields.update(intro=excerpt, body=blocks, og_image=featured)
        elif isinstance(page, EpisodePage):
            video = [b for b in blocks if b[0] == "video"][:1]
            if video and featured is not None:
                video[0][1]["poster"] = featured
            fields.update(
                number=number,
                summary=excerpt,
                video=video,
                body=[b for b in blocks if not (video and b is video[0])],
                date=_local_date(item.post_date),
            )
            if not video:
                warnings.append("episode without a YouTube/Vimeo video")
        else:
            fields.update(
                author=(self.export.authors.get(item.creator) or item.creator or "Unknown")[:120],
                summary=excerpt,
                hero_image=featured,
                body=blocks,
                date=_local_date(item.post_date),
            )
        relations = {"categories": categories, "tags": tags} if hasattr(page, "tags") else {}
        checksum = fingerprint(
            {
                "fields": fields,
                "relations": relations,
                "live": live,
                "slug": item.slug,
                "parent": parent.pk,
                "kind": kind._meta.label,
            }
        )
        outcome = outcome_for(existing, checksum)
        if outcome == UNCHANGED:
            return outcome, page
        for name, value in fields.items():
            setattr(page, name, value)
        if relations:
            page.categories.set(relations["categories"])
            page.tags.set(relations["tags"])
        if page.pk is None:
            page.slug = free_slug(parent, item.slug or title)
            if item.slug and page.slug != slugify(item.slug, allow_unicode=True):
                warnings.append(f"slug {item.slug!r} is taken here: imported as {page.slug!r}")
        page_save(page, parent=parent, live=live, first_published_at=item.post_date)
        imported_record(
            source=SOURCE,
            kind="post",
            source_id=item.post_id,
            target=page,
            title=title,
            checksum=checksum,
        )
        if live:
            self._redirects(item, page)
        return outcome, page

    def _kind(self, item: WxrItem, page: Page | None, warnings: list[str]):
        """(page class, parent page, episode number or None) for this item."""
        home = HomePage.objects.first()
        if home is None:
            raise ItemRejected("the site has no home page to import under")
        if item.post_type == "page":
            parent = home
            if item.parent_id:
                found = imported_get(source=SOURCE, kind="post", source_id=item.parent_id)
                if found and isinstance(found.target.specific, StandardPage):
                    parent = found.target.specific
            if page is not None:
                return type(page), page.get_parent(), None
            return StandardPage, parent, None
        number = self._episode_number(item)
        if page is not None:
            if isinstance(page, EpisodePage):
                return EpisodePage, page.get_parent(), number or page.number
            return type(page), page.get_parent(), None
        if number is not None:
            taken = EpisodePage.objects.filter(number=number).first()
            if taken is None:
                return EpisodePage, _index(EpisodeIndexPage, home, "Episodes", "episodes"), number
            warnings.append(
                f"episode number {number} is taken by {taken.title!r}: imported as an article"
            )
        elif self._in_episode_category(item):
            warnings.append(
                f"in {self.options.episode_category!r} but no episode number in the title: "
                "imported as an article"
            )
        return ArticlePage, _index(ArticleIndexPage, home, "Articles", "articles"), None

    def _in_episode_category(self, item: WxrItem) -> bool:
        wanted = self.options.episode_category.casefold()
        return bool(wanted) and any(
            tax == "category" and wanted in {slug.casefold(), name.casefold()}
            for tax, slug, name in item.terms
        )

    def _episode_number(self, item: WxrItem) -> int | None:
        match = self.episode_title.search(item.title)
        if match:
            return int(match[1]) if match.groups() else None
        if self._in_episode_category(item):
            for key in ("episode_number", "episode"):
                if item.meta.get(key, "").strip().isdigit():
                    return int(item.meta[key])
        return None

    def _categories(self, item: WxrItem) -> list[Category]:
        slugs = item.term_slugs("category")
        found = {c.slug: c for c in Category.objects.filter(slug__in=slugs)}
        return [found[s] for s in slugs if s in found]

    def _redirects(self, item: WxrItem, page: Page) -> None:
        query = "page_id" if item.post_type == "page" else "p"
        redirect_set(f"/?{query}={item.post_id}", page=page)
        if query == "page_id":
            redirect_set(f"/?p={item.post_id}", page=page)
        for url in {item.link, item.guid}:
            parsed = urlparse(url)
            if parsed.path and (parsed.hostname or "").lower() in self.old_hosts:
                old = parsed.path + (f"?{parsed.query}" if parsed.query else "")
                if old not in {"", "/"}:
                    redirect_set(old, page=page)

    # Looking things up while converting content.
    def _attachment_image(self, attachment_id: int):
        if not attachment_id:
            return None
        found = imported_get(source=SOURCE, kind="attachment", source_id=attachment_id)
        target = found.target if found else None
        return target if isinstance(target, get_image_model()) else None

    def _find_image(self, attachment_id: int | None, src: str):
        image = self._attachment_image(attachment_id or 0)
        if image is None and src:
            relative = upload_path(src)
            image = imported_image_for_path(relative) or imported_image_for_path(
                _SIZE_SUFFIX.sub("", relative)
            )
        return image

    def _find_link(self, href: str, linking_post: int):
        parsed = urlparse(href)
        host = (parsed.hostname or "").lower()
        if parsed.scheme not in {"", "http", "https"} or (host and host not in self.old_hosts):
            return None
        if not host and not parsed.path.startswith("/"):
            return None
        query = parse_qs(parsed.query)
        post_id = (
            next(
                (_int(query[key][0]) for key in ("p", "page_id", "attachment_id") if key in query),
                0,
            )
            or self.by_path.get(_path_key(href))
            or self.by_path.get(_path_key(_SIZE_SUFFIX.sub("", parsed.path)))
        )
        if post_id:
            item = self.items.get(post_id)
            kind = "attachment" if item and item.post_type == "attachment" else "post"
            found = imported_get(source=SOURCE, kind=kind, source_id=post_id)
            if found is not None:
                target = found.target
                if isinstance(target, Page):
                    return ("page", target.pk)
                if not isinstance(target, get_image_model()):
                    return ("document", target.pk)
            elif post_id in self.pending and post_id != linking_post:
                self.needs_relink.add(linking_post)
        relative = parsed.path or "/"
        return (
            relative
            + (f"?{parsed.query}" if parsed.query else "")
            + (f"#{parsed.fragment}" if parsed.fragment else "")
        )


def _path_key(url: str) -> str:
    parsed = urlparse(url)
    path = parsed.path.rstrip("/") or "/"
    return path + (f"?{parsed.query}" if parsed.query else "")


def _local_date(value: datetime | None):
    return timezone.localdate(value) if value else timezone.localdate()


def _parents_first(pages: list[WxrItem]) -> list[WxrItem]:
    by_id = {p.post_id: p for p in pages}

    def depth(page: WxrItem) -> int:
        seen, level = set(), 0
        while page.parent_id in by_id and page.post_id not in seen:
            seen.add(page.post_id)
            page = by_id[page.parent_id]
            level += 1
        return level

    return sorted(pages, key=lambda p: (depth(p), p.menu_order, p.post_id))


def _index(model, home: HomePage, title: str, slug: str) -> Page:
    """The section's index page; created (published) under the home page if the site has none."""
    index = model.objects.first()
    if index is None:
        index = model(title=title, slug=free_slug(home, slug))
        page_save(index, parent=home, live=True)
    return index
