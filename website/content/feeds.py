"""RSS 2.0 feeds of the latest episodes and articles.

Links and enclosures are absolute on settings.SITE_URL, whatever host the request came through.
"""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed

from website.absolute_urls import absolute_url
from website.content import selectors

FEED_LENGTH = 30


class _PageFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, request):
        super().__init__()
        self.request = request

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.search_description or item.summary

    def link(self):
        return absolute_url(self.section_path)

    def feed_url(self):
        return absolute_url(self.request.path)

    def item_link(self, item):
        return absolute_url(item.get_url(self.request))

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.date, time(12)))

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]


class EpisodeFeed(_PageFeed):
    title = "Coachhouse episodes"
    section_path = "/episodes/"
    description = "New video episodes on brain-based movement training."

    def items(self):
        return selectors.with_video_documents(
            selectors.live_episodes().prefetch_related("categories")[:FEED_LENGTH]
        )

    def item_enclosures(self, item):
        document = item.video_document
        if document is None:
            return []
        return [
            Enclosure(
                url=absolute_url(document.url),
                length=str(document.get_file_size() or 0),
                mime_type=document.content_type,
            )
        ]


class ArticleFeed(_PageFeed):
    title = "Coachhouse articles"
    section_path = "/articles/"
    description = "Practical articles on movement, pain and performance."

    def items(self):
        return selectors.live_articles().prefetch_related("categories")[:FEED_LENGTH]

    def item_author_name(self, item):
        return item.author


def episode_feed(request):
    return EpisodeFeed(request)(request)


def article_feed(request):
    return ArticleFeed(request)(request)
