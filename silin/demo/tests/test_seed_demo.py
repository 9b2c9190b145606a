from __future__ import annotations

import random
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from silin.accounts.models import RoleAssignment, User
from silin.core.models import AuditEntry
from silin.core.roles import Role
from silin.demo.cast import DEMO_LOGINS, DEMO_PASSWORD, FAMILY_LOGINS
from silin.demo.families import FamilyMaker
from silin.lib import idnumbers
from silin.lib.dates import age_on
from silin.organizations.models import Organization
from silin.people.models import Consent, Guardian, Resident
from silin.people.proxy_models import ProxyLink
from silin.places.models import Community, Compound, Grid, Household, Street
from silin.spaces.models import Booking

pytestmark = pytest.mark.django_db

RESIDENTS = 300


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One small street for the whole module, rolled back at its end.

    The clock stands still at the suite's "now" for the module, so the street is seeded and
    checked on the same day (ages, birthdays) whatever the hour it runs at.
    """
    # The module runs before the per-test settings fixture: hash as the tests will check.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    frozen = time_machine.travel(timezone.now(), tick=False)
    with frozen, django_db_blocker.unblock(), fast, transaction.atomic():
        out = StringIO()
        call_command("seed_demo", residents=RESIDENTS, seed=7, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _ages() -> list[int]:
    today = timezone.localdate()
    return [age_on(b, today) for b in Resident.objects.values_list("birth_date", flat=True)]


def test_seeding_creates_the_street_its_communities_and_named_compounds(seeded):
    assert "Seeded" in seeded
    street = Street.objects.get(code="510121100000")
    assert (street.name, street.county, street.city) == ("赵镇街道", "金堂县", "成都市")
    communities = set(Community.objects.filter(street=street).values_list("name", flat=True))
    assert {"三江社区", "金龙社区"} <= communities
    assert len(communities) >= 6
    assert all(len(c) == 12 for c in Community.objects.values_list("code", flat=True))
    assert Compound.objects.get(name="沱源").community.name == "三江社区"
    assert Compound.objects.get(name="伊顿小镇").community.name == "三江社区"
    assert Compound.objects.get(name="金都华府").community.name != "三江社区"
    kinds = set(Compound.objects.values_list("kind", flat=True))
    assert kinds == {"estate", "courtyard", "resettlement"}
    assert Grid.objects.filter(buildings__isnull=False).values("community").distinct().count() == 6


def test_seeding_makes_the_requested_number_of_residents_in_households(seeded):
    assert Resident.objects.count() == RESIDENTS
    sizes = Household.objects.annotate(n=Count("residents")).values_list("n", flat=True)
    assert min(sizes) >= 1
    assert max(sizes) <= 6
    for household in Household.objects.select_related("unit__building__compound")[:50]:
        assert household.compound_id == household.unit.building.compound_id
        assert household.community_id == household.compound.community_id
        assert 50 <= household.area <= 140
        assert household.door.startswith(str(household.floor))


def test_seeded_id_numbers_are_valid_and_agree_with_birth_date_and_sex(seeded):
    numbers = set()
    for resident in Resident.objects.all():
        parsed = idnumbers.parse(resident.id_number)
        assert parsed.area_code == "510121"
        assert parsed.birth_date == resident.birth_date
        assert parsed.sex == resident.gender
        numbers.add(parsed.value)
    assert len(numbers) == RESIDENTS


def test_seeded_mobiles_are_valid_and_most_adults_have_one(seeded):
    today = timezone.localdate()
    adults = [r for r in Resident.objects.all() if r.age_on(today) >= 18]
    with_mobile = [r.mobile for r in adults if r.mobile_hash]
    assert len(with_mobile) > 0.7 * len(adults)
    assert all(len(m) == 11 and m[0] == "1" and m[1] in "3456789" for m in with_mobile)


def test_age_pyramid_is_an_ageing_county_towns(seeded):
    ages = _ages()
    over_60 = sum(a >= 60 for a in ages) / len(ages)
    over_80 = sum(a >= 80 for a in ages) / len(ages)
    assert 0.18 < over_60 < 0.40
    assert 0.01 < over_80 < 0.10
    assert any(a < 14 for a in ages)


def test_tags_follow_age_and_household(seeded):
    today = timezone.localdate()
    for resident in Resident.objects.prefetch_related("tags").annotate(
        household_size=Count("household__residents")
    ):
        codes = {t.code for t in resident.tags.all()}
        age = resident.age_on(today)
        assert ("elderly_80" in codes) == (age >= 80), resident
        if "living_alone" in codes:
            assert resident.household_size == 1 and age >= 60


def test_consents_cover_everyone_and_sensitive_tags(seeded):
    register = Consent.objects.filter(purpose="register").values("resident").distinct()
    assert register.count() == RESIDENTS
    sensitive = Resident.objects.filter(tags__sensitive=True).distinct()
    assert sensitive.exists()
    for resident in sensitive:
        assert resident.consents.filter(purpose="sensitive_tags").exists()


def test_young_children_have_a_guardian_who_consented_for_them(seeded):
    today = timezone.localdate()
    children = [r for r in Resident.objects.all() if r.age_on(today) < 14]
    assert children
    guarded = set(Guardian.objects.values_list("minor_id", flat=True))
    assert {c.id for c in children} <= guarded
    consent = Consent.objects.get(resident=children[0], purpose="register")
    assert consent.given_by is not None


def test_liu_daye_is_eighty_lives_in_tuoyuan_and_has_his_login(seeded):
    liu = Resident.objects.get(name="刘大爷")
    assert liu.age == 80
    assert liu.gender == "M"
    assert liu.household.compound.name == "沱源"
    assert liu.household.community.name == "三江社区"
    assert {t.code for t in liu.tags.all()} >= {"elderly_80", "living_alone"}
    user = User.objects.get(mobile="13800000011")
    assert user.resident == liu
    assert user.check_password(DEMO_PASSWORD)
    assignment = user.role_assignments.get()
    assert (assignment.role, assignment.compound.name) == (Role.RESIDENT, "沱源")


def test_every_role_has_a_demo_login_at_its_node(seeded):
    for login in DEMO_LOGINS:
        user = User.objects.get(mobile=login.mobile)
        assert user.check_password(DEMO_PASSWORD)
        assignment = RoleAssignment.objects.get(user=user)
        assert assignment.role == login.role
        node = assignment.node
        expected = "赵镇街道" if login.node == "street" else login.node
        assert node.name == expected
    assert {d.role for d in DEMO_LOGINS} == set(Role)
    assert User.objects.get(mobile="13800000001").is_staff
    assert User.objects.filter(grids__community__name="三江社区", mobile="13800000004").exists()


def test_every_community_has_organisations_with_leaders_and_members(seeded):
    for community in Community.objects.all():
        orgs = Organization.objects.filter(community=community)
        assert orgs.count() >= 5
        assert len({o.field for o in orgs}) >= 4
        assert all(o.leader_id and o.members.filter(id=o.leader_id).exists() for o in orgs)
    dance = Organization.objects.get(name="三江舞蹈队")
    assert dance.leader.user.mobile == "13800000007"


def test_rerunning_on_a_seeded_database_adds_nothing(seeded):
    before = (Resident.objects.count(), Household.objects.count(), User.objects.count())
    out = StringIO()
    call_command("seed_demo", residents=RESIDENTS, stdout=out)
    assert "already" in out.getvalue()
    assert (Resident.objects.count(), Household.objects.count(), User.objects.count()) == before


def test_one_audit_entry_summarises_the_seed(seeded):
    entry = AuditEntry.objects.get(object_type="demo.seed")
    assert entry.actor is None
    assert entry.action == "create"
    assert entry.changes["people.resident"] == [0, RESIDENTS]
    # The street is one bulk load with one entry; its spaces are then entered through their
    # audited services (silin.spaces.demo.seed), each write with its own entry.
    # Family proxies too (silin.people.demo.seed), and the activities' catalogue, upcoming
    # events and sign-ups (silin.activities.demo.seed), and the hours the time bank credits
    # (silin.mutualaid.demo.seed).
    others = (
        AuditEntry.objects.exclude(object_type__startswith="spaces.")
        .exclude(object_type__startswith="activities.")
        .exclude(object_type__startswith="mutualaid.")
    )
    assert others.exclude(object_type="people.proxylink").count() == 1


def test_demo_logins_prints_each_role_with_the_shared_password(seeded):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in DEMO_LOGINS:
        assert login.mobile in text
    assert DEMO_PASSWORD in text


def test_liu_daughter_acts_for_him_and_one_revoked_link_is_in_his_history(seeded):
    daughter = User.objects.get(mobile=FAMILY_LOGINS["liu_daughter"].mobile)
    assert daughter.check_password(DEMO_PASSWORD) and daughter.resident is None
    liu = User.objects.get(mobile="13800000011")
    links = {link.proxy.name: link for link in ProxyLink.objects.filter(principal=liu)}
    assert links["刘晓红"].state == "active" and links["刘晓红"].consent_method == "in_person"
    assert set(links["刘晓红"].powers) == {"book_spaces", "receive_notices"}
    assert links["陈阿姨"].state == "revoked"
    # She booked the chess room for him, through the services, acting for him.
    done = AuditEntry.objects.get(object_type="spaces.booking", on_behalf_of=liu)
    assert done.actor == daughter and done.action == "create"
    booking = Booking.objects.get(uuid=done.object_uuid)
    assert booking.booker == liu and booking.space.name == "棋艺室"
    assert timezone.localtime(booking.starts_at).weekday() == 5
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "13800000012" in out.getvalue()


def test_the_same_seed_draws_the_same_households():
    def draw(seed):
        maker = FamilyMaker(random.Random(seed))
        return [[(p.age, p.sex, p.relation) for p in maker.make().people] for _ in range(50)]

    assert draw(3) == draw(3)
    assert draw(3) != draw(4)
