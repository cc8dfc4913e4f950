"""The demo's trust pages: privacy policy, terms of sale, refund policy and contact.

Real-looking text that is plainly a template: every page opens with a note telling the coach
to replace it. Created once each (by slug) and chosen in the "Trust pages" site setting.
"""

from django.conf import settings
from wagtail.models import Site
from wagtail.rich_text import RichText

from website.content.demo import _body, _publish_child, home_page
from website.content.models import ContactFormField, ContactPage, StandardPage, TrustPages

TEMPLATE_NOTE = (
    "TEMPLATE — replace this page before you take real orders. It is a starting point written "
    "for the Coachhouse demo, not legal advice: edit it under Pages in the admin so it says "
    "what your business really does."
)


def _refund_days() -> int:
    return settings.SHOP_REFUND_WINDOW_DAYS or 14


def _pages() -> list[dict]:
    days = _refund_days()
    return [
        {
            "slug": "privacy-policy",
            "title": "Privacy policy",
            "intro": "What we collect when you use Coachhouse, why, and what you can ask us to do.",
            "body": [
                ("paragraph", TEMPLATE_NOTE),
                ("heading", "What we collect"),
                (
                    "paragraph",
                    "Your name and e-mail address when you create an account, sign up for the "
                    "newsletter or write to us; what you buy and when; and which lessons you "
                    "have watched, so that the course remembers where you are.",
                ),
                (
                    "paragraph",
                    "Card payments are handled by our payment provider (Stripe). We never see "
                    "or store your card number.",
                ),
                ("heading", "Why we use it"),
                (
                    "paragraph",
                    "To give you the courses you bought, send your receipts and gift cards, "
                    "answer your messages and, only if you asked for it, send the newsletter. "
                    "We do not sell your data or share it with advertisers.",
                ),
                ("heading", "How long we keep it"),
                (
                    "paragraph",
                    "Account and order records for as long as you have an account, and order "
                    "records for as long as tax law requires (usually 7 years).",
                ),
                ("heading", "Your rights"),
                (
                    "paragraph",
                    "You can ask for a copy of your data, correct it, or have your account "
                    "deleted: write to us through the contact page. Every newsletter has a "
                    "one-click unsubscribe link.",
                ),
            ],
        },
        {
            "slug": "terms",
            "title": "Terms of sale",
            "intro": "The terms on which Coachhouse sells courses and gift cards.",
            "body": [
                ("paragraph", TEMPLATE_NOTE),
                ("heading", "What you buy"),
                (
                    "paragraph",
                    "A course gives the account that bought it personal access to its lessons "
                    "for as long as the course is offered. Accounts are for one person; please "
                    "do not share your login.",
                ),
                ("heading", "Prices and payment"),
                (
                    "paragraph",
                    f"Prices are in {settings.SITE_CURRENCY} and include any applicable taxes. "
                    "You pay at checkout; a coupon or gift card is taken off before you pay.",
                ),
                ("heading", "Gift cards"),
                (
                    "paragraph",
                    "A gift card can be spent on courses and other gift cards, in one go or in "
                    "parts, until it expires (if it has a date). It cannot be exchanged for "
                    "cash. Promotion reward cards pay for courses only.",
                ),
                ("heading", "Refunds"),
                ("paragraph", f"See the refund policy: {days} days, no questions asked."),
                ("heading", "Health notice"),
                (
                    "paragraph",
                    "The courses are education, not medical advice. If you are in pain or "
                    "unsure whether an exercise is right for you, ask a health professional.",
                ),
            ],
        },
        {
            "slug": "refund-policy",
            "title": "Refund policy",
            "intro": f"Not what you hoped for? Ask for a full refund within {days} days.",
            "body": [
                ("paragraph", TEMPLATE_NOTE),
                ("heading", f"{days}-day guarantee"),
                (
                    "paragraph",
                    f"If a course is not right for you, write to us within {days} days of "
                    "buying it and we refund the whole order to the card you paid with. No "
                    "questions asked.",
                ),
                ("heading", "What a refund takes back"),
                (
                    "paragraph",
                    "A full refund ends access to the order's courses and cancels the gift "
                    "cards it bought and any promotion reward it earned. Whatever has already "
                    "been spent from those cards is deducted from the refund.",
                ),
                ("heading", "Gift cards you paid with"),
                (
                    "paragraph",
                    "The part of an order paid with a gift card goes back onto that gift card.",
                ),
                ("heading", "How long it takes"),
                (
                    "paragraph",
                    "We refund within two working days of your message; your bank may take a "
                    "few more days to show it.",
                ),
            ],
        },
    ]


CONTACT_FIELDS = [
    ("Your name", "singleline", True, ""),
    ("Your e-mail", "email", True, ""),
    ("Order number (if it is about an order)", "singleline", False, ""),
    ("Message", "multiline", True, ""),
]


def _contact_page() -> ContactPage:
    page = ContactPage.objects.filter(slug="contact").first()
    if page is not None:
        return page
    page = ContactPage(
        title="Contact",
        slug="contact",
        intro=RichText(
            f"<p><b>{TEMPLATE_NOTE}</b></p><p>Questions about a course, an order or a refund? "
            "Write to us here and we answer within two working days.</p>"
        ),
        thank_you_text=RichText(
            "<p>Thank you: your message is on its way, and we answer within two working days.</p>"
        ),
        to_address=settings.DEFAULT_FROM_EMAIL,
        from_address=settings.DEFAULT_FROM_EMAIL,
        subject="New message from the contact page",
    )
    page.form_fields = [
        ContactFormField(label=label, field_type=kind, required=required, help_text=help_text)
        for label, kind, required, help_text in CONTACT_FIELDS
    ]
    return _publish_child(home_page(), page)


def seed(*, stdout) -> None:
    """The four trust pages under the home page, chosen in the site setting, once each."""
    pages = {}
    for spec in _pages():
        page = StandardPage.objects.filter(slug=spec["slug"]).first()
        if page is None:
            page = _publish_child(
                home_page(),
                StandardPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    intro=spec["intro"],
                    body=_body(spec["body"]),
                ),
            )
        pages[spec["slug"]] = page
    trust = TrustPages.for_site(Site.objects.get(is_default_site=True))
    trust.privacy_policy = trust.privacy_policy or pages["privacy-policy"]
    trust.terms = trust.terms or pages["terms"]
    trust.refund_policy = trust.refund_policy or pages["refund-policy"]
    trust.contact = trust.contact or _contact_page()
    trust.save()
    stdout.write("Trust pages: /privacy-policy/, /terms/, /refund-policy/, /contact/ (templates)")
