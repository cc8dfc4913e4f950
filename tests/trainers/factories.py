import factory

from trainers.models import Certification, Trainer


class CertificationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Level {n}")
    slug = factory.Sequence(lambda n: f"level-{n}")
    level = factory.Sequence(int)

    class Meta:
        model = Certification
        django_get_or_create = ("slug",)


class TrainerFactory(factory.django.DjangoModelFactory):
    """A published trainer in downtown Chicago (ZIP 60601) unless told otherwise."""

    name = factory.Sequence(lambda n: f"Trainer {n:03d}")
    slug = factory.Sequence(lambda n: f"trainer-{n:03d}")
    email = factory.Sequence(lambda n: f"coach{n}@private.example")
    city = "Chicago"
    region = "IL"
    postal_code = "60601"
    country = "US"
    latitude = 41.8858
    longitude = -87.6181
    is_published = True

    class Meta:
        model = Trainer
        skip_postgeneration_save = True

    @factory.post_generation
    def certifications(self, create, extracted, **kwargs):
        if create and extracted:
            self.certifications.set(extracted)

    @factory.post_generation
    def specialties(self, create, extracted, **kwargs):
        if create and extracted:
            self.specialties.set(extracted)
            self.save()
