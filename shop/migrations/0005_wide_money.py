# Money columns wide enough for totals above 2^31-1 cents (PostgreSQL integer), and the
# gift card's delivery claim so delivered_at is set only after the e-mail went out.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('shop', '0004_gift_card_editor_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='giftcard',
            name='delivery_started_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='giftcard',
            name='balance_cents',
            field=models.PositiveBigIntegerField(default=0, editable=False, verbose_name='balance (cents)'),
        ),
        migrations.AlterField(
            model_name='giftcard',
            name='initial_cents',
            field=models.PositiveBigIntegerField(verbose_name='value (cents)'),
        ),
        migrations.AlterField(
            model_name='giftcarddenomination',
            name='amount_cents',
            field=models.PositiveBigIntegerField(unique=True, verbose_name='amount (cents)'),
        ),
        migrations.AlterField(
            model_name='giftcardtransaction',
            name='amount_cents',
            field=models.BigIntegerField(help_text='Positive adds to the balance, negative takes.'),
        ),
        migrations.AlterField(
            model_name='giftcardtransaction',
            name='balance_after_cents',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name='order',
            name='discount_cents',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='order',
            name='gift_card_cents',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='order',
            name='refunded_cents',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='order',
            name='subtotal_cents',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name='order',
            name='total_cents',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name='ordergiftcard',
            name='amount_cents',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name='orderline',
            name='unit_price_cents',
            field=models.PositiveBigIntegerField(),
        ),
    ]
