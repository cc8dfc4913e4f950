"""WordPress content → body blocks, without a database: images are looked up by a stub."""

import pytest

from website.importers.blocks import Conversion, autop, body_blocks, plain_text

IMAGE = object()


def convert(content, links=None):
    conversion = Conversion(
        find_image=lambda attachment_id, src: IMAGE if attachment_id == 7 else None,
        find_link=lambda href: (links or {}).get(href),
        video_title="The page",
    )
    blocks = body_blocks(content, conversion)
    simple = [
        (kind, value.source if kind == "paragraph" else dict(value)) for kind, value in blocks
    ]
    return simple, conversion


def test_classic_paragraphs_follow_wordpress_blank_line_rule():
    assert autop("One\ntwo\n\nThree") == "<p>One<br>\ntwo</p>\n<p>Three</p>"
    assert autop("<ul>\n<li>a</li>\n<li>b</li>\n</ul>") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"


def test_h1_is_a_section_heading_and_h4_a_subsection_and_long_headings_stay_text():
    blocks, _ = convert(f"<h1>Top</h1><h4>Deep</h4><h2>{'x' * 130}</h2>")
    assert blocks[0] == ("heading", {"text": "Top", "level": "h2"})
    assert blocks[1] == ("heading", {"text": "Deep", "level": "h3"})
    assert blocks[2] == ("paragraph", f"<h2>{'x' * 130}</h2>")


def test_caption_shortcode_becomes_an_image_with_its_caption_and_a_missing_image_is_left_out():
    blocks, conversion = convert(
        '[caption id="attachment_7"]<a href="/big.jpg"><img class="wp-image-7" src="/a.jpg" '
        'alt="Alt"></a> The caption[/caption]\n\n[caption]<img class="wp-image-8" src="/b.jpg">'
        " Gone[/caption]"
    )
    assert blocks == [("image", {"image": IMAGE, "alt_text": "Alt", "caption": "The caption"})]
    assert "image /b.jpg is not among the imported files; left out" in conversion.warnings


def test_gallery_shortcode_becomes_one_image_per_id():
    blocks, _ = convert('[gallery ids="7,7"]')
    assert [kind for kind, _ in blocks] == ["image", "image"]


@pytest.mark.parametrize(
    ("content", "url"),
    [
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("[embed]https://vimeo.com/76979871[/embed]", "https://vimeo.com/76979871"),
        (
            '<iframe src="//www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>',
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            '<!-- wp:embed {"url":"https://vimeo.com/76979871"} --><figure class="wp-block-embed">'
            '<div class="wp-block-embed__wrapper">\nhttps://vimeo.com/76979871\n</div></figure>',
            "https://vimeo.com/76979871",
        ),
    ],
)
def test_provider_videos_become_the_video_facade_block(content, url):
    blocks, _ = convert(content)
    assert blocks == [
        (
            "video",
            {"title": "The page", "url": url, "file": None, "captions": None, "poster": None},
        )
    ]


def test_scripts_handlers_styles_and_javascript_links_are_removed_and_reported():
    blocks, conversion = convert(
        '<p onclick="x()">Hi <a href="javascript:alert(1)">there</a><style>p{}</style></p>'
        "<script>alert(1)</script><p><img src=x onerror=alert(1)>ok</p>"
    )
    text = str(blocks)
    for dangerous in ("onclick", "javascript", "alert", "<style", "onerror", "<img"):
        assert dangerous not in text
    assert blocks[0][1].startswith("<p>Hi there")
    assert "removed a <script> from the content" in conversion.warnings
    assert "removed a javascript: link from the content" in conversion.warnings


def test_links_to_imported_content_become_wagtail_links_and_others_are_kept():
    blocks, _ = convert(
        '<p><a href="/old/">old</a> <a href="https://elsewhere.example/">out</a></p>',
        links={"/old/": ("page", 42)},
    )
    assert blocks == [
        (
            "paragraph",
            '<p><a id="42" linktype="page">old</a> <a href="https://elsewhere.example/">out</a>'
            "</p>",
        )
    ]


def test_unknown_shortcodes_stay_as_text_and_are_listed_but_escaped_ones_are_literal():
    blocks, conversion = convert("Join [mailchimp list=3] now. Write [[gallery]] to show one.")
    assert blocks == [
        ("paragraph", "<p>Join [mailchimp list=3] now. Write [gallery] to show one.</p>")
    ]
    assert conversion.unknown_shortcodes == {"mailchimp"}


def test_a_table_is_flattened_to_rows_with_a_warning_and_a_pullquote_is_a_quote():
    blocks, conversion = convert(
        "<table><tr><th>Drill</th><th>Reps</th></tr><tr><td>Walk</td><td>10</td></tr></table>"
        '<figure class="wp-block-pullquote"><blockquote><p>Move.</p><cite>Jane</cite>'
        "</blockquote></figure>"
    )
    assert blocks == [
        ("paragraph", "<p>Drill | Reps</p><p>Walk | 10</p>"),
        ("quote", {"quote": "Move.", "attribution": "Jane"}),
    ]
    assert "a table was flattened to one paragraph per row" in conversion.warnings


def test_plain_text_of_an_excerpt():
    assert plain_text("<p>A <em>gentle</em>\n drill.</p>") == "A gentle drill."
