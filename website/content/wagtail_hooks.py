from wagtail.snippets.models import register_snippet

from website.content.models import Category

register_snippet(Category)
