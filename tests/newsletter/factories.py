import factory

from website.newsletter.models import Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    first_name = factory.Faker("first_name")
    status = Subscriber.Status.PENDING

    class Meta:
        model = Subscriber
