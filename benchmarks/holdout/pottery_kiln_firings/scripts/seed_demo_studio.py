"""Seed a local development database with demo members, kilns, firings and glazes.

    DJANGO_SETTINGS_MODULE=kilnworks.settings python scripts/seed_demo_studio.py
"""
import os
import random
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kilnworks.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from studio.models import Firing, GlazeStock, Kiln, Member, Shelf  # noqa: E402

DEMO_PASSWORD = "glaze-and-fire-demo"  # ok: SEC005
MEMBER_NAMES = ["ada", "bernard", "chiyo", "dev", "elin", "farah", "gus", "hana"]
PLANS = {"hobby": 4500, "studio": 8500, "pro": 14000}
KILNS = [("Big Blue", "electric", 10, "ctl-bb-01"), ("Little Red", "electric", 6, "ctl-lr-02"), ("Raku", "raku", 4, "ctl-rk-03")]
GLAZES = [
    ("Celadon", "pale green", "6-10", 900),
    ("Tenmoku", "black-brown", "8-10", 800),
    ("Shino", "orange", "9-10", 950),
    ("Clear Gloss", "clear", "04-6", 600),
    ("Satin White", "white", "5-6", 650),
]


def main():
    random.seed(7)
    User = get_user_model()
    for name in MEMBER_NAMES:
        user, created = User.objects.get_or_create(username=name, defaults={"email": f"{name}@example.test"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        plan = random.choice(list(PLANS))
        Member.objects.get_or_create(user=user, defaults={"plan": plan, "monthly_fee_pence": PLANS[plan]})

    now = timezone.now()
    for name, kind, max_cone, controller in KILNS:
        kiln, _ = Kiln.objects.get_or_create(name=name, defaults={"kind": kind, "max_cone": max_cone, "controller_id": controller})
        for day in range(1, 4):
            firing = Firing.objects.create(kiln=kiln, title=f"{name} bisque #{day}", cone=min(max_cone, 6),
                                           scheduled_for=now + timedelta(days=day * 3))
            for position in range(1, 5):
                Shelf.objects.create(firing=firing, position=position, width_cm=60, free_cm=60)

    for name, colour, cones, price in GLAZES:
        GlazeStock.objects.update_or_create(
            name=name,
            defaults={"colour": colour, "cone_range": cones, "grams": random.randint(2000, 12000),
                      "price_per_100g_pence": price // 10},
        )
    print(f"seeded {len(MEMBER_NAMES)} members, {len(KILNS)} kilns, {len(GLAZES)} glazes")  # ok: OBS001


if __name__ == "__main__":
    main()
