"""The demo street's register: households moved into the dwellings, their residents with
identity numbers, mobiles and tags, guardians of the young children and consents.

The register tables are written as plain rows (RowWriter), not model instances: at 200,000
residents Django's per-object and per-value work in bulk_create cost more than the database
itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from silin.demo.build import Build
from silin.demo.cast import HOMES, MOBILES, NAMES, special_families
from silin.demo.families import Family, Person, R
from silin.demo.names import Identities, uuid_hex
from silin.demo.tree import AREAS, Dwelling
from silin.lib import crypto
from silin.people.models import Consent, Guardian, Resident, Tag
from silin.places.models import Household

HOUSEHOLDS_PER_CHUNK = 2000

HOUSEHOLD_COLUMNS = (
    "id",
    "uuid",
    "unit_id",
    "compound_id",
    "community_id",
    "floor",
    "door",
    "area",
    "created_at",
)
RESIDENT_COLUMNS = (
    "id",
    "uuid",
    "name",
    "gender",
    "birth_date",
    "id_number_encrypted",
    "id_number_hash",
    "mobile_encrypted",
    "mobile_hash",
    "household_id",
    "community_id",
    "relation",
    "status",
    "note",
    "created_at",
    "updated_at",
)
CONSENT_COLUMNS = ("uuid", "resident_id", "purpose", "granted_at", "given_by_id")

Row = tuple[Any, ...]
# A family, the id of its community and its residents.
Moved = tuple[Family, int, list["NewResident"]]


@dataclass(eq=False)
class NewResident:
    uuid: str
    name: str
    sex: str
    birth: dt.date
    age: int
    relation: str
    id_number: str
    phone: str
    tags: set[str]
    id: int = 0
    household_id: int = 0
    community_id: int = 0

    def row(self, now: dt.datetime) -> Row:
        # The same encryption and keyed hash as Resident.set_id_number / set_mobile.
        return (
            self.id,
            self.uuid,
            self.name,
            self.sex,
            self.birth,
            crypto.encrypt(self.id_number),
            crypto.lookup_hash(self.id_number),
            crypto.encrypt(self.phone),
            crypto.lookup_hash(self.phone),
            self.household_id,
            self.community_id,
            str(self.relation),
            "living",
            "",
            now,
            now,
        )

    def relation_to(self, minor: NewResident) -> str:
        grand = minor.relation == R.GRANDCHILD
        if self.sex == "M":
            return "祖父" if grand else "父亲"
        return "祖母" if grand else "母亲"


class RegisterWriter:
    """Moves families into dwellings and writes them to the register, chunk by chunk."""

    def __init__(self, build: Build, *, taken_mobiles: set[str]) -> None:
        self.build = build
        self.rng = build.rng
        self.now = build.now
        self.identities = Identities(build.rng, today=build.today, taken_mobiles=taken_mobiles)
        tags = {t.code: t for t in Tag.objects.all()}
        self.sensitive_tags = {c for c, t in tags.items() if t.sensitive}
        self.tag_ids = {c: t.id for c, t in tags.items()}

    def fill_households(self, families: list[Family], slots: dict[int, list[Dwelling]]) -> None:
        build = self.build
        dwellings = [(cid, d) for cid, ds in slots.items() for d in ds]
        self.rng.shuffle(families)
        families = special_families() + families
        # The special families move into the first dwellings of their compounds.
        pairs = self._pair_special(families, dwellings)
        community_of = {c.id: c.community_id for c in build.compounds.values()}
        for start in range(0, len(pairs), HOUSEHOLDS_PER_CHUNK):
            chunk = pairs[start : start + HOUSEHOLDS_PER_CHUNK]
            self._write_chunk(chunk, community_of)
            build.log(f"  {build.counts.get('people.resident', 0):>7} residents")

    def _pair_special(
        self, families: list[Family], dwellings: list[tuple[int, Dwelling]]
    ) -> list[tuple[Family, tuple[int, Dwelling]]]:
        dwellings = list(dwellings)
        pairs = []
        for family in families[:3]:
            cid = self.build.compounds[HOMES[family.kind]].id
            i = next(n for n, d in enumerate(dwellings) if d[0] == cid)
            pairs.append((family, dwellings.pop(i)))
        pairs += list(zip(families[3:], dwellings, strict=False))
        return pairs

    def _write_chunk(
        self, chunk: list[tuple[Family, tuple[int, Dwelling]]], community_of: dict[int, int]
    ) -> None:
        w = self.build.writer
        household_ids = w.reserve(Household, len(chunk))
        households, made = [], []
        for (family, (cid, (unit, floor, door, kind))), hid in zip(
            chunk, household_ids, strict=True
        ):
            low, high = AREAS[kind]
            area = Decimal(self.rng.randrange(low * 100, high * 100)) / 100
            community_id = community_of[cid]
            households.append(
                (hid, uuid_hex(self.rng), unit.id, cid, community_id, floor, door, area, self.now)
            )
            people = self.make_people(family)
            for p in people:
                p.household_id = hid
                p.community_id = community_id
            made.append((family, community_id, people))
        w.insert(Household, HOUSEHOLD_COLUMNS, households)
        everyone = [p for _f, _c, people in made for p in people]
        for p, rid in zip(everyone, w.reserve(Resident, len(everyone)), strict=True):
            p.id = rid
        w.insert(Resident, RESIDENT_COLUMNS, [p.row(self.now) for p in everyone])
        self._write_links(made)

    def make_people(self, family: Family) -> list[NewResident]:
        ids = self.identities
        head_surname = family.people[0].surname
        if head_surname in ("", "*"):
            head_surname = ids.surname()
        people = []
        for person in family.people:
            if person.surname == "":
                surname = head_surname
            elif person.surname == "*":
                surname = ids.surname()
            else:
                surname = person.surname
            if person.relation in (R.CHILD, R.GRANDCHILD) and self.rng.random() < 0.08:
                surname = ids.surname()  # some children take their mother's surname
            birth = ids.birth_date(person.age)
            phone = ids.mobile() if ids.wants_mobile(person.age) else ""
            people.append(
                NewResident(
                    uuid=uuid_hex(self.rng),
                    name=surname + ids.given_name(person.sex),
                    sex=person.sex,
                    birth=birth,
                    age=person.age,
                    relation=person.relation,
                    id_number=ids.id_number(birth, person.sex),
                    phone=phone,
                    tags=self.person_tags(person, family),
                )
            )
        self._special_names(family, people)
        return people

    def _special_names(self, family: Family, people: list[NewResident]) -> None:
        if family.kind not in NAMES:
            return
        first = people[0]
        first.name = NAMES[family.kind]
        first.phone = MOBILES[family.kind]
        if family.kind == "liu":
            first.tags.add("chronic_illness")
        if family.kind == "volunteer":
            first.tags.add("volunteer")
        self.build.special[family.kind] = first

    def person_tags(self, person: Person, family: Family) -> set[str]:
        rng, age = self.rng, person.age
        tags = set(family.tags)
        if age >= 80:
            tags.add("elderly_80")
        if age >= 60 and len(family.people) == 1:
            tags.add("living_alone")
        if age >= 60 and all(p.age >= 60 for p in family.people):
            tags.add("empty_nest")
        if family.kind == "left_behind" and age < 16:
            tags.add("left_behind_child")
        chances = [
            ("chronic_illness", 0.3 if age >= 60 else 0.04 if age >= 35 else 0.0),
            ("disability", 0.05 if age >= 60 else 0.015),
            ("party_member", 0.08 if age >= 25 else 0.0),
            ("veteran", 0.05 if person.sex == "M" and age >= 30 else 0.0),
            ("volunteer", 0.1 if 55 <= age <= 75 else 0.03 if age >= 18 else 0.0),
        ]
        tags.update(code for code, chance in chances if rng.random() < chance)
        return tags

    def _write_links(self, made: list[Moved]) -> None:
        tag_rows: list[Row] = []
        consents: list[Row] = []
        guardians: list[Row] = []
        for _family, community_id, people in made:
            adults = [p for p in people if p.age >= 18]
            for p in people:
                tag_rows += [(p.id, self.tag_ids[c]) for c in p.tags]
                guardian = self._guardian(p, adults)
                if guardian is not None:
                    guardians.append(
                        (uuid_hex(self.rng), p.id, guardian.id, guardian.relation_to(p))
                    )
                consents += self._consents(p, guardian)
                self._remember_candidate(community_id, p)
        w = self.build.writer
        w.insert(Resident.tags.through, ("resident_id", "tag_id"), tag_rows)
        w.insert(Guardian, ("uuid", "minor_id", "guardian_id", "relation"), guardians)
        w.insert(Consent, CONSENT_COLUMNS, consents)

    @staticmethod
    def _guardian(minor: NewResident, adults: list[NewResident]) -> NewResident | None:
        # The head guards the children: a parent, or a grandparent of left-behind children.
        if minor.age >= 14 or not adults:
            return None
        return adults[0]

    def _consents(self, p: NewResident, guardian: NewResident | None) -> list[Row]:
        given_by = guardian.id if guardian else None
        purposes = ["register"]
        if p.tags & self.sensitive_tags:
            purposes.append("sensitive_tags")
        if p.phone:
            purposes.append("contact")
        return [(uuid_hex(self.rng), p.id, purpose, self.now, given_by) for purpose in purposes]

    def _remember_candidate(self, community_id: int, p: NewResident) -> None:
        if not 18 <= p.age <= 80:
            return
        pool = self.build.candidates.setdefault(community_id, [])
        entry = (p.id, p.name, p.phone, "volunteer" in p.tags)
        if len(pool) < 3000:
            pool.append(entry)
        elif self.rng.random() < 0.1:
            pool[self.rng.randrange(len(pool))] = entry
