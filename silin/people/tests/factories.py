from __future__ import annotations

import datetime as dt

import factory

from silin.lib import idnumbers
from silin.people.models import Resident
from silin.places.tests.factories import HouseholdFactory


class ResidentFactory(factory.django.DjangoModelFactory[Resident]):
    class Meta:
        model = Resident
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"居民{n}")
    gender = Resident.Gender.FEMALE
    birth_date = dt.date(1960, 5, 17)
    household = factory.SubFactory(HouseholdFactory)
    community = factory.LazyAttribute(lambda o: o.household.community)
    relation = Resident.Relation.HEAD

    @factory.post_generation
    def id_number(obj, create, extracted, **kwargs):
        value = extracted
        if value is None:
            # Two sequence numbers per pk (one per sex) and a new area code every 500
            # residents keep generated numbers unique.
            pk = obj.pk or 1
            area = f"51{(pk // 500) % 10000:04d}"
            value = idnumbers.build(area, obj.birth_date, (pk % 500) * 2, obj.gender)
        if value:
            obj.set_id_number(value)
            if create:
                obj.save(update_fields=["id_number_encrypted", "id_number_hash"])

    @factory.post_generation
    def mobile(obj, create, extracted, **kwargs):
        if extracted:
            obj.set_mobile(extracted)
            if create:
                obj.save(update_fields=["mobile_encrypted", "mobile_hash"])


def make_residents(household, count: int, *, start: int = 0, **kwargs) -> list:
    """Residents with distinct, valid ID numbers (the factory's numbers repeat by parity)."""
    birth = dt.date(1970, 1, 1)
    return [
        ResidentFactory(
            household=household,
            birth_date=birth,
            gender="F",
            id_number=idnumbers.build("510121", birth, 2 * (start + i) + 500, "F"),
            **kwargs,
        )
        for i in range(count)
    ]
