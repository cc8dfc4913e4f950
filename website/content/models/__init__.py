"""Content pages and snippets, split by kind; import them from here."""

from website.content.models.articles import ArticleIndexPage, ArticlePage
from website.content.models.caching import ContentGeneration
from website.content.models.episodes import (
    EpisodeHighlight,
    EpisodeIndexPage,
    EpisodePage,
    RelatedEpisode,
)
from website.content.models.home import HomeFeaturedCourse, HomePage
from website.content.models.pages import StandardPage
from website.content.models.taxonomy import ArticlePageTag, Category, EpisodePageTag
from website.content.models.trust import ContactFormField, ContactPage, TrustPages

__all__ = [
    "ArticleIndexPage",
    "ArticlePage",
    "ArticlePageTag",
    "Category",
    "ContactFormField",
    "ContactPage",
    "ContentGeneration",
    "EpisodeHighlight",
    "EpisodeIndexPage",
    "EpisodePage",
    "EpisodePageTag",
    "HomeFeaturedCourse",
    "HomePage",
    "RelatedEpisode",
    "StandardPage",
    "TrustPages",
]
