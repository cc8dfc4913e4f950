"""What the importers brought in, keyed by its id at the source, so a second run updates."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImportedItem(models.Model):
    """One source item (a WordPress post, page, attachment or category; a WooCommerce
    product) and the object it became here.

    One mapping table instead of a field on every page type: the page types stay as editors
    know them, and an item is found again by (source, kind, source id) whatever it became.
    `checksum` is a digest of what the source said last time: an unchanged item is left
    alone (and so are the edits an editor made since).
    """

    class Source(models.TextChoices):
        WORDPRESS = "wordpress", "WordPress"
        WOOCOMMERCE = "woocommerce", "WooCommerce"

    class Kind(models.TextChoices):
        POST = "post", "post or page"
        ATTACHMENT = "attachment", "attachment"
        CATEGORY = "category", "category"
        PRODUCT = "product", "product"
        IMAGE = "image", "product image"

    source = models.CharField(max_length=20, choices=Source.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_id = models.CharField(
        max_length=200, help_text="The WordPress post/term id, or the WooCommerce SKU."
    )
    title = models.CharField(max_length=255, blank=True)
    file_path = models.CharField(
        max_length=500,
        blank=True,
        db_index=True,
        help_text="For files: the path under wp-content/uploads/, e.g. 2019/05/stretch.jpg.",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    checksum = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="importers_one_object_per_source_item"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [("run_import", "Can import from WordPress and WooCommerce")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.kind} {self.source_id}"
