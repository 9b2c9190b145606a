"""Who lives together: household compositions whose ages add up to an ageing Sichuan county
town (about 28% over 60, 4-5% over 80)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from silin.people.models import Resident

R = Resident.Relation


@dataclass
class Person:
    age: int
    sex: str
    relation: str
    surname: str = ""  # "" = the head's surname; "*" = a surname of their own


@dataclass
class Family:
    people: list[Person]
    kind: str
    tags: set[str] = field(default_factory=set)  # household-wide tags, e.g. subsistence


class FamilyMaker:
    """Draws household compositions whose ages add up to an ageing county town."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        kinds: list[tuple[Callable[[], Family], float]] = [
            (self.elder_alone, 9.0),
            (self.elder_couple, 18.0),
            (self.elder_with_child, 6.0),
            (self.single, 8.0),
            (self.couple, 8.0),
            (self.nuclear, 22.0),
            (self.three_generations, 10.0),
            (self.left_behind, 5.0),
            (self.parents_adult_child, 13.0),
        ]
        self.makers = [k for k, _ in kinds]
        self.weights = [w for _, w in kinds]

    def make(self) -> Family:
        return self.rng.choices(self.makers, self.weights)[0]()

    def elder_age(self, low: int = 60) -> int:
        rng = self.rng
        band = rng.choices([60, 70, 80, 90], [46, 33, 18, 3])[0]
        return max(low, band + rng.randrange(10 if band < 90 else 8))

    def elder_alone(self) -> Family:
        age = max(self.elder_age(), self.elder_age(65))  # people living alone skew older
        sex = "F" if self.rng.random() < 0.65 else "M"
        return Family([Person(age, sex, R.HEAD)], "elder_alone")

    def elder_couple(self) -> Family:
        husband = self.elder_age(62)
        wife = max(58, husband - self.rng.randrange(0, 6))
        return Family(
            [Person(husband, "M", R.HEAD), Person(wife, "F", R.SPOUSE, "*")], "elder_couple"
        )

    def elder_with_child(self) -> Family:
        rng = self.rng
        elder = self.elder_age(75)
        child = max(40, elder - rng.randrange(24, 34))
        people = [
            Person(elder, "F" if rng.random() < 0.6 else "M", R.PARENT, "*"),
            Person(child, "M", R.HEAD),
        ]
        if rng.random() < 0.6:
            people.append(Person(child - rng.randrange(0, 4), "F", R.SPOUSE, "*"))
        return Family(people, "elder_with_child")

    def single(self) -> Family:
        rng = self.rng
        relation = R.TENANT if rng.random() < 0.3 else R.HEAD
        return Family([Person(rng.randrange(20, 58), rng.choice("MF"), relation, "*")], "single")

    def couple(self) -> Family:
        husband = self.rng.randrange(23, 60)
        wife = max(21, husband - self.rng.randrange(0, 5))
        return Family([Person(husband, "M", R.HEAD), Person(wife, "F", R.SPOUSE, "*")], "couple")

    def _children(self, mother: int, count: int, relation: str = R.CHILD) -> list[Person]:
        rng = self.rng
        ages = sorted((max(0, mother - rng.randrange(22, 36)) for _ in range(count)), reverse=True)
        return [Person(a, rng.choice("MF"), relation) for a in ages]

    def nuclear(self) -> Family:
        rng = self.rng
        father = rng.randrange(27, 56)
        mother = max(24, father - rng.randrange(0, 5))
        kids = self._children(mother, rng.choices([1, 2, 3], [60, 36, 4])[0])
        people = [Person(father, "M", R.HEAD), Person(mother, "F", R.SPOUSE, "*"), *kids]
        return Family(people, "nuclear")

    def three_generations(self) -> Family:
        rng = self.rng
        father = rng.randrange(30, 52)
        mother = max(26, father - rng.randrange(0, 5))
        grand = father + rng.randrange(25, 33)
        people = [Person(father, "M", R.HEAD), Person(mother, "F", R.SPOUSE, "*")]
        people += self._children(mother, rng.choices([1, 2], [65, 35])[0])
        people.append(Person(grand, "F", R.PARENT, "*"))
        if rng.random() < 0.6:
            people.append(Person(grand + rng.randrange(0, 4), "M", R.PARENT))
        return Family(people, "three_generations")

    def left_behind(self) -> Family:
        """Grandparents raising grandchildren while the parents work in other cities."""
        rng = self.rng
        grandpa = rng.randrange(56, 76)
        people = [
            Person(grandpa, "M", R.HEAD),
            Person(grandpa - rng.randrange(0, 4), "F", R.SPOUSE, "*"),
        ]
        for _ in range(rng.choices([1, 2], [70, 30])[0]):
            people.append(Person(rng.randrange(3, 16), rng.choice("MF"), R.GRANDCHILD))
        return Family(people, "left_behind")

    def parents_adult_child(self) -> Family:
        rng = self.rng
        father = rng.randrange(45, 64)
        mother = max(42, father - rng.randrange(0, 5))
        child = max(18, mother - rng.randrange(22, 32))
        people = [
            Person(father, "M", R.HEAD),
            Person(mother, "F", R.SPOUSE, "*"),
            Person(child, rng.choice("MF"), R.CHILD),
        ]
        return Family(people, "parents_adult_child")


def draw_families(rng: random.Random, *, residents: int, already: int) -> list[Family]:
    """Households until the residents add up to `residents`, `already` of them housed."""
    maker = FamilyMaker(rng)
    families: list[Family] = []
    total = already
    while total < residents:
        family = maker.make()
        room = residents - total
        if len(family.people) > room:
            family.people = family.people[:room]
            family.kind = "trimmed"
        if rng.random() < 0.025:
            family.tags.add("subsistence")
        families.append(family)
        total += len(family.people)
    return families
