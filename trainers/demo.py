"""Demo trainers: the directory page, certifications and ~60 trainers with generated photos.

Also `insert_synthetic_trainers()`, the load-test rows of `seed_trainers` and the benchmark.
"""

import io
import random

from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image

from website.content.demo import home_page

from .models import Certification, Trainer, TrainerDirectoryPage

# name, slug, level, description. R-Phase Certified is granted by its course
# (certificates/demo.py); its slug is the one it had before it was.
CERTIFICATIONS = [
    (
        "R-Phase Certified",
        "r-phase",
        1,
        "Foundations: joint mobility, vision, balance and the nervous system.",
    ),
    ("I-Phase", "i-phase", 2, "Integration of vision, vestibular and proprioceptive training."),
    ("S-Phase", "s-phase", 3, "Sport-specific and performance applications."),
    ("9S", "9s", 4, "Nine-S certification: the advanced practitioner programme."),
    (
        "Pain Specialist",
        "pain-specialist",
        5,
        "Working with chronic pain through the nervous system.",
    ),
]
SPECIALTIES = [
    "Back pain", "Balance", "Running", "Vision training", "Vestibular", "Golf",
    "Healthy ageing", "Concussion recovery", "Strength", "Mobility",
]  # fmt: skip
FIRST_NAMES = [
    "Ava", "Ben", "Carla", "Dev", "Elena", "Felix", "Grace", "Hiro", "Imani", "Jonas", "Kira",
    "Liam", "Maya", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
    "Wen", "Yara", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Alvarez", "Brooks", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen",
    "Kowalski", "Lopez", "Murphy", "Nakamura", "Okafor", "Patel", "Rossi", "Schmidt", "Turner",
    "Walsh",
]  # fmt: skip
# city, region, postal code, country, latitude, longitude, how many demo trainers
PLACES = [
    ("Chicago", "IL", "60601", "US", 41.8858, -87.6181, 3),
    ("Chicago", "IL", "60614", "US", 41.9227, -87.6533, 1),
    ("Evanston", "IL", "60201", "US", 42.0451, -87.6877, 1),
    ("Oak Park", "IL", "60302", "US", 41.8850, -87.7845, 1),
    ("Naperville", "IL", "60540", "US", 41.7508, -88.1535, 1),
    ("Schaumburg", "IL", "60173", "US", 42.0334, -88.0834, 1),
    ("Joliet", "IL", "60432", "US", 41.5250, -88.0817, 1),
    ("Milwaukee", "WI", "53202", "US", 43.0389, -87.9065, 1),
    ("New York", "NY", "10001", "US", 40.7506, -73.9972, 3),
    ("Brooklyn", "NY", "11201", "US", 40.6943, -73.9903, 1),
    ("Boston", "MA", "02108", "US", 42.3588, -71.0707, 2),
    ("Philadelphia", "PA", "19103", "US", 39.9526, -75.1652, 1),
    ("Washington", "DC", "20001", "US", 38.9072, -77.0369, 2),
    ("Atlanta", "GA", "30303", "US", 33.7490, -84.3880, 1),
    ("Miami", "FL", "33130", "US", 25.7617, -80.1918, 2),
    ("Austin", "TX", "78701", "US", 30.2672, -97.7431, 2),
    ("Dallas", "TX", "75201", "US", 32.7767, -96.7970, 1),
    ("Houston", "TX", "77002", "US", 29.7604, -95.3698, 1),
    ("Denver", "CO", "80202", "US", 39.7392, -104.9903, 2),
    ("Boulder", "CO", "80302", "US", 40.0150, -105.2705, 1),
    ("Phoenix", "AZ", "85004", "US", 33.4484, -112.0740, 1),
    ("Salt Lake City", "UT", "84101", "US", 40.7608, -111.8910, 1),
    ("Seattle", "WA", "98101", "US", 47.6062, -122.3321, 2),
    ("Portland", "OR", "97205", "US", 45.5152, -122.6784, 2),
    ("San Francisco", "CA", "94103", "US", 37.7749, -122.4194, 2),
    ("Oakland", "CA", "94612", "US", 37.8044, -122.2712, 1),
    ("Los Angeles", "CA", "90012", "US", 34.0522, -118.2437, 3),
    ("San Diego", "CA", "92101", "US", 32.7157, -117.1611, 1),
    ("Minneapolis", "MN", "55401", "US", 44.9778, -93.2650, 1),
    ("Nashville", "TN", "37203", "US", 36.1627, -86.7816, 1),
    ("Springfield", "MO", "65806", "US", 37.2090, -93.2923, 1),
    ("Anchorage", "AK", "99501", "US", 61.2181, -149.9003, 1),
    ("Honolulu", "HI", "96813", "US", 21.3069, -157.8583, 1),
    ("London", "", "", "GB", 51.5074, -0.1278, 2),
    ("Manchester", "", "", "GB", 53.4808, -2.2426, 1),
    ("Dublin", "", "", "IE", 53.3498, -6.2603, 1),
    ("Toronto", "ON", "", "CA", 43.6532, -79.3832, 2),
    ("Vancouver", "BC", "", "CA", 49.2827, -123.1207, 1),
    ("Berlin", "", "", "DE", 52.5200, 13.4050, 1),
    ("Amsterdam", "", "", "NL", 52.3676, 4.9041, 1),
    ("Sydney", "NSW", "", "AU", -33.8688, 151.2093, 2),
    ("Melbourne", "VIC", "", "AU", -37.8136, 144.9631, 1),
    ("Auckland", "", "", "NZ", -36.8485, 174.7633, 1),
    ("Suva", "", "", "FJ", -18.1248, 178.4501, 1),
    ("Tokyo", "", "", "JP", 35.6762, 139.6503, 1),
]
_PALETTE = ["#0f5c63", "#16767f", "#e07a2f", "#7a3b0c", "#1e7a46", "#4a5a60", "#8a5cf6", "#b42318"]


def directory_page() -> TrainerDirectoryPage:
    """The "Find a Trainer" page at /find-a-trainer/, created once under the home page."""
    page = TrainerDirectoryPage.objects.first()
    if page is None:
        page = home_page().add_child(
            instance=TrainerDirectoryPage(title="Find a Trainer", slug="find-a-trainer")
        )
        page.save_revision().publish()
    return page


def certifications() -> list[Certification]:
    found = []
    for name, slug, level, description in CERTIFICATIONS:
        cert, _ = Certification.objects.get_or_create(
            slug=slug, defaults={"name": name, "level": level, "description": description}
        )
        found.append(cert)
    return found


def _portrait(name: str, rng: random.Random) -> Image:
    """A square avatar with the trainer's initials, drawn locally (no downloads)."""
    size = 320
    picture = PILImage.new("RGB", (size, size), rng.choice(_PALETTE))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((40, 40, size - 40, size - 40), fill="#fbfaf7")
    initials = "".join(part[0] for part in name.split()[:2])
    draw.text((size / 2, size / 2), initials, fill="#17252a", anchor="mm", font_size=110)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return Image.objects.create(
        title=f"{name} (portrait)", file=ImageFile(buffer, name=f"{slugify(name)}.png")
    )


def _people(rng: random.Random):
    """Distinct "First Last" names in a repeatable order."""
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    return iter(names)


def seed(*, stdout) -> None:
    """The directory page, the certifications and one trainer per PLACES slot (idempotent)."""
    page = directory_page()
    certs = certifications()
    rng = random.Random(403)  # noqa: S311 - repeatable demo data, not a secret
    names = _people(rng)
    created = 0
    for city, region, postal_code, country, lat, lng, count in PLACES:
        for _ in range(count):
            name = next(names)
            levels = 1 + sum(rng.random() < p for p in (0.7, 0.45, 0.2))
            chosen = certs[:levels] + ([certs[4]] if rng.random() < 0.3 else [])
            specialties = rng.sample(SPECIALTIES, k=rng.randint(1, 3))
            offers_online = rng.random() < 0.4
            slug = slugify(name)
            if Trainer.objects.filter(slug=slug).exists():
                continue
            trainer = Trainer.objects.create(
                name=name,
                slug=slug,
                external_id=f"demo-{slug}",
                bio=(
                    f"{name.split()[0]} is a movement coach in {city} who helps clients with "
                    f"{', '.join(s.lower() for s in specialties)} through brain-based training: "
                    "short, specific drills for vision, balance and the nervous system, "
                    "assessed and adjusted every session."
                ),
                email=f"{slug}@trainers.coachhouse.test",
                website=f"https://{slug}.example.com",
                city=city,
                region=region,
                postal_code=postal_code,
                country=country,
                # A small offset so trainers in one city do not sit on one map pin.
                latitude=round(lat + rng.uniform(-0.03, 0.03), 5),
                longitude=round(lng + rng.uniform(-0.03, 0.03), 5),
                offers_online=offers_online,
                photo=_portrait(name, rng),
            )
            trainer.certifications.set(chosen)
            trainer.specialties.set(specialties)
            trainer.save()  # a cluster's tags are written when the trainer is saved
            created += 1
    total = Trainer.objects.count()
    stdout.write(f"Trainers: {total} in the directory at {page.url} ({created} new)")


SYNTHETIC_PREFIX = "synthetic"
_BATCH = 5000


def insert_synthetic_trainers(count: int, *, seed: int = 1, start: int = 0) -> None:
    """Bulk-insert `count` published load-test trainers numbered from `start`: half
    clustered around the demo cities, half spread over the continental US, so the
    density near any city grows with the count, as it would in a real directory."""
    rng = random.Random(seed + start)  # noqa: S311 - repeatable load-test data, not a secret
    batch = []
    for n in range(start, start + count):
        if n % 2:
            city, region, postal_code, country, lat, lng, _ = rng.choice(PLACES)
            lat, lng = lat + rng.gauss(0, 0.4), lng + rng.gauss(0, 0.5)
        else:
            city, region, postal_code, country = "Anytown", "", "", "US"
            lat, lng = rng.uniform(25, 49), rng.uniform(-124, -67)
        batch.append(
            Trainer(
                name=f"Trainer {n:06d}",
                slug=f"{SYNTHETIC_PREFIX}-{n}",
                email=f"{SYNTHETIC_PREFIX}-{n}@trainers.coachhouse.test",
                city=city,
                region=region,
                postal_code=postal_code,
                country=country,
                latitude=max(-90.0, min(90.0, lat)),
                longitude=((lng + 180) % 360) - 180,
                offers_online=rng.random() < 0.3,
            )
        )
        if len(batch) == _BATCH:
            Trainer.objects.bulk_create(batch)
            batch = []
    Trainer.objects.bulk_create(batch)
