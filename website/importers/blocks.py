"""WordPress content (Gutenberg blocks or classic HTML with shortcodes) → our body blocks.

Gutenberg stores each block as ordinary HTML between `<!-- wp:name {...} -->` comments,
and that HTML already says what it is (`<figure class="wp-block-image">`, `<blockquote>`,
the embed's URL on its own line), so both editors' content goes through one HTML walk: the
delimiters are only comments to it. Shortcodes are expanded to HTML first, and classic
content gets WordPress's own paragraph rule (a blank line is a paragraph break).

Everything that becomes rich text passes through nh3 (the Ammonia sanitiser) with the tags
our paragraph block offers; scripts, styles, inline handlers and other iframes are removed
and said so in the report.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from wagtail.rich_text import RichText

from website.content.video import parse_video_url

RICH_TEXT_TAGS = {"p", "br", "b", "strong", "i", "em", "a", "ul", "ol", "li", "h2", "h3"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
ALT_MAX, CAPTION_MAX, VIDEO_TITLE_MAX = 200, 250, 200

# Where wpautop breaks paragraphs (before an opening tag, after a closing one).
_BLOCK_TAGS = (
    "p|div|h[1-6]|ul|ol|li|blockquote|figure|figcaption|table|thead|tbody|tfoot|tr|td|th|"
    "pre|iframe|hr|section|address|dl|dd|dt|form|script|style"
)
_BLOCK_START = re.compile(rf"^\s*</?(?:{_BLOCK_TAGS})\b", re.IGNORECASE)
_BLOCK_OPENING = re.compile(rf"(<(?:{_BLOCK_TAGS})[\s/>])", re.IGNORECASE)
_BLOCK_CLOSING = re.compile(rf"(</(?:{_BLOCK_TAGS})>)", re.IGNORECASE)
_SHORTCODE = re.compile(r"\[(\[?)(/?)([A-Za-z][\w-]*)((?:\s[^\]]*)?)\](\]?)")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_WP_IMAGE_CLASS = re.compile(r"^wp-image-(\d+)$")
_URL_ALONE = re.compile(r"^https?://\S+$")
_KNOWN_SHORTCODES = {"caption", "wp_caption", "embed", "gallery"}


@dataclass
class Conversion:
    """What the walk needs from the importer, and what it noticed on the way.

    `find_image(attachment_id, src)` returns a Wagtail image or None; `find_link(href)`
    returns `(linktype, id)` for a link to imported content, a replacement href (the old
    site's address made relative, answered by a redirect), or None to keep it as it is.
    """

    find_image: Callable[[int | None, str], Any]
    find_link: Callable[[str], tuple[str, int] | str | None]
    video_title: str = "Video"
    warnings: list[str] = field(default_factory=list)
    unknown_shortcodes: set[str] = field(default_factory=set)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def body_blocks(content: str, conversion: Conversion) -> list[tuple[str, Any]]:
    """The (block type, value) list for a BodyBlock StreamField, in reading order."""
    is_gutenberg = "<!-- wp:" in content
    content = expand_shortcodes(content, conversion)
    if not is_gutenberg:
        content = autop(content)
    soup = BeautifulSoup(content, "html.parser")
    _warn_about_active_content(soup, conversion)
    walk = _Walk(conversion)
    for node in list(soup.contents):
        walk.node(node)
    walk.flush()
    return walk.blocks


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment (an excerpt, a short description), whitespace collapsed."""
    text = BeautifulSoup(expand_shortcodes(fragment or "", None), "html.parser").get_text(" ")
    return " ".join(text.split())


def expand_shortcodes(content: str, conversion: Conversion | None) -> str:
    """[caption] → figure, [embed]URL[/embed] → the URL on its own line, [gallery ids] →
    figures; any other shortcode stays as written and is listed as unknown."""
    content = re.sub(
        r"\[(?:wp_)?caption([^\]]*)\](.*?)\[/(?:wp_)?caption\]",
        _caption_figure,
        content,
        flags=re.DOTALL | re.IGNORECASE,
    )
    content = re.sub(
        r"\[embed[^\]]*\](.*?)\[/embed\]",
        lambda m: f"\n\n{m[1].strip()}\n\n",
        content,
        flags=re.DOTALL | re.IGNORECASE,
    )
    content = re.sub(r"\[gallery([^\]]*)\]", _gallery_figures, content, flags=re.IGNORECASE)
    if conversion is not None:
        for match in _SHORTCODE.finditer(content):
            escaped = match[1] and match[5]
            if not escaped and not match[2] and match[3].lower() not in _KNOWN_SHORTCODES:
                conversion.unknown_shortcodes.add(match[3])
    # [[name]] is WordPress's way of writing a literal [name].
    return _SHORTCODE.sub(lambda m: m[0][1:-1] if m[1] and m[5] else m[0], content)


def _attributes(text: str) -> dict[str, str]:
    return {
        m[1].lower(): next(v for v in (m[2], m[3], m[4]) if v is not None)
        for m in _ATTRIBUTE.finditer(text)
    }


def _caption_figure(match: re.Match) -> str:
    attributes = _attributes(match[1])
    inner = match[2]
    soup = BeautifulSoup(inner, "html.parser")
    image = soup.find("img")
    if image is None:
        return inner
    picture = image.parent if image.parent.name == "a" else image
    picture.extract()
    caption = soup.get_text(" ").strip() or attributes.get("caption", "")
    return (
        f"\n\n<figure>{picture}<figcaption>{html.escape(caption, quote=False)}</figcaption>"
        "</figure>\n\n"
    )


def _gallery_figures(match: re.Match) -> str:
    ids = [i.strip() for i in _attributes(match[1]).get("ids", "").split(",") if i.strip()]
    figures = "".join(
        f'<figure><img class="wp-image-{int(i)}" src="" alt=""></figure>'
        for i in ids
        if i.isdigit()
    )
    return f"\n\n{figures}\n\n" if figures else match[0]


def autop(content: str) -> str:
    """WordPress's wpautop, in the part that matters here: blank lines separate paragraphs,
    single newlines inside a paragraph are line breaks, block-level tags stand alone."""
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    content = _BLOCK_OPENING.sub(r"\n\n\1", content)
    content = _BLOCK_CLOSING.sub(r"\1\n\n", content)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", content)]
    out = []
    for chunk in chunks:
        if not chunk:
            continue
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def _warn_about_active_content(soup: BeautifulSoup, conversion: Conversion) -> None:
    if soup.find(["script", "noscript"]):
        conversion.warn("removed a <script> from the content")
    for tag in soup.find_all(True):
        if any(name.lower().startswith("on") for name in tag.attrs):
            conversion.warn("removed inline event handlers (onclick=…) from the content")
            break
    for tag in soup.find_all(href=True):
        if tag["href"].strip().lower().startswith(("javascript:", "data:", "vbscript:")):
            conversion.warn("removed a javascript: link from the content")
            break


def sanitise_rich_text(fragment: str, conversion: Conversion) -> str:
    """Clean HTML in Wagtail's rich-text storage format (b, i; internal links by id)."""
    cleaned = nh3.clean(
        fragment,
        tags=RICH_TEXT_TAGS,
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    soup = BeautifulSoup(cleaned, "html.parser")
    for tag in soup.find_all(["strong", "em"]):
        tag.name = "b" if tag.name == "strong" else "i"
    for link in soup.find_all("a"):
        href = link.get("href")
        if not href:
            link.unwrap()
            continue
        found = conversion.find_link(href)
        if isinstance(found, tuple):
            linktype, target_id = found
            link.attrs = {"linktype": linktype, "id": str(target_id)}
        elif isinstance(found, str):
            link["href"] = found
    for paragraph in soup.find_all("p"):
        if not paragraph.get_text(strip=True) and not paragraph.find("br"):
            paragraph.decompose()
    return str(soup).strip()


class _Walk:
    """Turns top-level HTML nodes into blocks; consecutive text gathers into one paragraph."""

    def __init__(self, conversion: Conversion):
        self.conversion = conversion
        self.blocks: list[tuple[str, Any]] = []
        self.rich: list[str] = []

    def flush(self) -> None:
        if not self.rich:
            return
        source = sanitise_rich_text("".join(self.rich), self.conversion)
        self.rich = []
        if BeautifulSoup(source, "html.parser").get_text(strip=True):
            self.blocks.append(("paragraph", RichText(source)))

    def add(self, block_type: str, value: Any) -> None:
        self.flush()
        self.blocks.append((block_type, value))

    def node(self, node) -> None:
        if isinstance(node, Comment):
            return
        if isinstance(node, NavigableString):
            if node.strip():
                self.rich.append(f"<p>{html.escape(str(node).strip(), quote=False)}</p>")
            return
        if not isinstance(node, Tag):
            return
        name = node.name.lower()
        handler = getattr(self, f"tag_{name}", None)
        if handler is not None:
            handler(node)
        elif name in {"script", "style", "noscript", "form", "input", "button", "object"}:
            return
        elif name in {"div", "section", "article", "main", "aside", "header", "footer", "center"}:
            for child in list(node.contents):
                self.node(child)
        elif name in {"hr", "br"}:
            return
        else:
            self.rich.append(f"<p>{node}</p>")

    # Headings: the page owns the h1, so h1 and h2 are sections, the rest sub-sections.
    def _heading(self, node: Tag, level: str) -> None:
        text = " ".join(node.get_text(" ").split())
        if not text:
            return
        if len(text) > 120:
            self.rich.append(f"<{level}>{html.escape(text, quote=False)}</{level}>")
            return
        self.add("heading", {"text": text, "level": level})

    def tag_h1(self, node):
        self._heading(node, "h2")

    tag_h2 = tag_h1

    def tag_h3(self, node):
        self._heading(node, "h3")

    tag_h4 = tag_h5 = tag_h6 = tag_h3

    def tag_p(self, node: Tag) -> None:
        text = node.get_text(" ").strip()
        if _URL_ALONE.match(text) and not node.find(["img", "iframe"]):
            self.embed_url(text)
            return
        media = node.find_all(["img", "iframe"])
        if media and not _text_outside(node, media):
            for item in media:
                self.node(item)
            return
        for item in media:
            (item.parent if item.parent.name == "a" else item).extract()
            self.node(item)
        self.rich.append(str(node))

    def tag_ul(self, node):
        self.rich.append(str(node))

    tag_ol = tag_ul

    def tag_pre(self, node: Tag) -> None:
        lines = html.escape(node.get_text(), quote=False).strip().split("\n")
        self.rich.append("<p>" + "<br>".join(lines) + "</p>")

    def tag_table(self, node: Tag) -> None:
        self.conversion.warn("a table was flattened to one paragraph per row")
        for row in node.find_all("tr"):
            cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["td", "th"])]
            if any(cells):
                self.rich.append(f"<p>{html.escape(' | '.join(cells), quote=False)}</p>")

    def tag_blockquote(self, node: Tag) -> None:
        cite = node.find(["cite", "footer"])
        attribution = " ".join(cite.get_text(" ").split()) if cite else ""
        if cite:
            cite.extract()
        paragraphs = [" ".join(p.get_text(" ").split()) for p in node.find_all("p")]
        quote = "\n\n".join(p for p in paragraphs if p) or " ".join(node.get_text(" ").split())
        if quote:
            self.add("quote", {"quote": quote, "attribution": attribution[:120]})

    def tag_figure(self, node: Tag) -> None:
        classes = set(node.get("class") or [])
        if node.find("blockquote"):
            self.tag_blockquote(node.find("blockquote"))
        elif node.find("img"):
            caption = node.find("figcaption")
            for image in node.find_all("img"):
                self.tag_img(image, caption=caption.get_text(" ") if caption else "")
        elif node.find("iframe"):
            self.tag_iframe(node.find("iframe"))
        elif any(c.startswith("wp-block-embed") for c in classes):
            self.embed_url(node.get_text(" ").strip().split()[0] if node.get_text().strip() else "")
        elif node.find("table"):
            self.tag_table(node.find("table"))
        else:
            for child in list(node.contents):
                self.node(child)

    def tag_a(self, node: Tag) -> None:
        images = node.find_all("img")
        if images and not node.get_text(strip=True):
            for image in images:
                self.tag_img(image)
        else:
            self.rich.append(f"<p>{node}</p>")

    def tag_img(self, node: Tag, caption: str = "") -> None:
        attachment_id = None
        for css_class in node.get("class") or []:
            if match := _WP_IMAGE_CLASS.match(css_class):
                attachment_id = int(match[1])
        if node.get("data-id", "").isdigit():
            attachment_id = int(node["data-id"])
        src = node.get("src", "")
        image = self.conversion.find_image(attachment_id, src)
        if image is None:
            self.conversion.warn(
                f"image {src or f'attachment {attachment_id}'} is not among the imported files; "
                "left out"
            )
            return
        caption = " ".join((caption or "").split())
        self.add(
            "image",
            {
                "image": image,
                "alt_text": " ".join(node.get("alt", "").split())[:ALT_MAX],
                "caption": caption[:CAPTION_MAX],
            },
        )

    def tag_iframe(self, node: Tag) -> None:
        src = node.get("src", "")
        if src.startswith("//"):
            src = "https:" + src
        if parse_video_url(src) is None:
            self.conversion.warn(f"removed an embedded frame from {src or 'an unknown address'}")
            return
        self.video(src, title=node.get("title", ""))

    def embed_url(self, url: str) -> None:
        """An oEmbed URL on its own line: a video facade for YouTube/Vimeo, a link otherwise."""
        if not url:
            return
        if parse_video_url(url):
            self.video(url)
            return
        self.conversion.warn(f"embed of {url} kept as a link (only YouTube and Vimeo play here)")
        escaped = html.escape(url)
        self.rich.append(f'<p><a href="{escaped}">{escaped}</a></p>')

    def video(self, url: str, title: str = "") -> None:
        provider = parse_video_url(url)
        title = " ".join((title or self.conversion.video_title).split())[:VIDEO_TITLE_MAX]
        self.add(
            "video",
            {
                "title": title or "Video",
                "url": provider.watch_url,
                "file": None,
                "captions": None,
                "poster": None,
            },
        )


def _text_outside(node: Tag, media: list[Tag]) -> bool:
    """Whether a paragraph says anything besides its images/frames (and links around them)."""
    copy = BeautifulSoup(str(node), "html.parser")
    for tag in copy.find_all(["img", "iframe"]):
        tag.decompose()
    return bool(copy.get_text(strip=True))
