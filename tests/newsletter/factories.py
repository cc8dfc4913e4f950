import factory

from website.newsletter.models import Subscriber

# The contents of the reading-list document the `reading_list` fixture sets up.
READING_LIST_BYTES = b"Explain Pain - Butler & Moseley\n"


class SubscriberFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    first_name = factory.Faker("first_name")
    status = Subscriber.Status.PENDING

    class Meta:
        model = Subscriber
