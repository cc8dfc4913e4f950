from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from website import documents, views
from website.accounts import views as account_views
from website.content import feeds
from website.content import views as content_views

handler500 = "website.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # One login door: Wagtail's own login and password reset give way to allauth's, whose rate
    # limits and lockout then cover every password guess (docs/decisions.md).
    path("admin/login/", account_views.admin_login, name="admin_login"),
    path("admin/password_reset/", account_views.admin_password_reset),
    path("admin/password_reset/<path:rest>", account_views.admin_password_reset),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document URL, served from private storage (with Range) after the same checks.
    path(
        "documents/<int:document_id>/<str:document_filename>",
        documents.serve,
        name="wagtaildocs_serve",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("account/", include("website.accounts.urls")),
    path("account/", include("allauth.urls")),
    path("search/", content_views.search, name="search"),
    path("episodes/feed/", feeds.episode_feed, name="episode_feed"),
    path("articles/feed/", feeds.article_feed, name="article_feed"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", content_views.robots_txt, name="robots_txt"),
    # newsletter/… and account/newsletter/
    path("", include("website.newsletter.urls")),
    path("", include("shop.urls")),
    path("", include("courses.urls")),
    path("", include("certificates.urls")),
    path("trainers/", include("trainers.urls")),
]

# Wagtail's page tree answers every URL nothing above claimed, so it stays last.
urlpatterns += [path("", include(wagtail_urls))]
