"""The cast of the demo: one published login per role, and the three residents behind the
resident logins (刘大爷, the dance-team leader 杨桂兰 and the volunteer 唐丽)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils import translation

from silin.accounts.models import RoleAssignment, User, refresh_role_grants
from silin.core.roles import Role
from silin.core.seeding import DemoLogin
from silin.demo.build import Build
from silin.demo.families import Family, Person, R
from silin.places.models import Community, Compound, Street

DEMO_PASSWORD = "silin-demo-2026"  # noqa: S105 - published on purpose: demo logins only

DEMO_LOGINS = [
    DemoLogin(Role.STREET_ADMIN, "周明华", "13800000001", "street"),
    DemoLogin(Role.COMMUNITY_WORKER, "李晓梅", "13800000002", "三江社区"),
    DemoLogin(Role.SOCIAL_WORKER, "张悦", "13800000003", "三江社区"),
    DemoLogin(Role.GRID_MEMBER, "何志强", "13800000004", "三江社区"),
    DemoLogin(Role.COMMITTEE_MEMBER, "罗淑芬", "13800000005", "沱源"),
    DemoLogin(Role.PROPERTY_MANAGER, "黄涛", "13800000006", "沱源"),
    DemoLogin(Role.ORG_LEADER, "杨桂兰", "13800000007", "三江社区"),
    DemoLogin(Role.REVIEWER, "吴振华", "13800000008", "三江社区"),
    DemoLogin(Role.MEDIATOR, "邓德明", "13800000009", "三江社区"),
    DemoLogin(Role.VOLUNTEER, "唐丽", "13800000010", "三江社区"),
    DemoLogin(Role.RESIDENT, "刘大爷", "13800000011", "沱源"),
]
LOGINS_BY_ROLE = {d.role: d for d in DEMO_LOGINS}
# Logins without a role: 刘大爷's daughter lives in another city and acts for him (亲情账号,
# people/demo.py grants it); she has no register record in the street.
FAMILY_LOGINS = {"liu_daughter": DemoLogin("", "刘晓红", "13800000012", "outside")}
FAMILY_LABELS = {"liu_daughter": ("family proxy of 刘大爷", "刘大爷的女儿（亲情账号）")}


def login_mobiles() -> set[str]:
    return {d.mobile for d in DEMO_LOGINS} | {d.mobile for d in FAMILY_LOGINS.values()}


LIU_NAME = "刘大爷"
LIU_AGE = 80

# The cast's own households, by kind of special family: where they live, the first
# member's name and mobile (that of their login).
HOMES = {"liu": "沱源", "org_leader": "伊顿小镇", "volunteer": "沱源"}
NAMES = {"liu": LIU_NAME, "org_leader": "杨桂兰", "volunteer": "唐丽"}
MOBILES = {"liu": "13800000011", "org_leader": "13800000007", "volunteer": "13800000010"}
# The demo login of each special family's first member.
RESIDENT_ROLES: dict[str, str] = {
    Role.RESIDENT: "liu",
    Role.ORG_LEADER: "org_leader",
    Role.VOLUNTEER: "volunteer",
}


def special_families() -> list[Family]:
    liu = Family([Person(LIU_AGE, "M", R.HEAD, "刘")], "liu")
    leader = Family([Person(64, "F", R.HEAD, "杨"), Person(67, "M", R.SPOUSE, "*")], "org_leader")
    volunteer = Family([Person(58, "F", R.HEAD, "唐"), Person(60, "M", R.SPOUSE, "*")], "volunteer")
    return [liu, leader, volunteer]


def make_logins(build: Build) -> None:
    password = make_password(DEMO_PASSWORD)  # one hash: PBKDF2 per user costs ~0.5 s
    street = build.street
    nodes: dict[str, Street | Community | Compound] = {
        "street": street,
        **build.communities,
        **build.compounds,
    }
    users, assignments = [], []
    for login in DEMO_LOGINS:
        special = RESIDENT_ROLES.get(login.role)
        user = User(
            uuid=build.uuid(),
            mobile=login.mobile,
            name=login.name,
            password=password,
            is_staff=login.role == Role.STREET_ADMIN,
            resident_id=build.special[special].id if special else None,
        )
        users.append(user)
        node = nodes[login.node]
        assignments.append(
            RoleAssignment(
                uuid=build.uuid(),
                user=user,
                role=login.role,
                street=node if isinstance(node, Street) else None,
                community=node if isinstance(node, Community) else None,
                compound=node if isinstance(node, Compound) else None,
            )
        )
    users += [
        User(uuid=build.uuid(), mobile=d.mobile, name=d.name, password=password)
        for d in FAMILY_LOGINS.values()
    ]
    build.bulk(User, users)
    build.bulk(RoleAssignment, assignments)
    refresh_role_grants(u.pk for u in users)  # a bulk write sends no signal
    grid_member = next(
        u for u, d in zip(users, DEMO_LOGINS, strict=False) if d.role == Role.GRID_MEMBER
    )
    sanjiang = build.communities["三江社区"].id
    sanjiang_grid = next(g for g in build.grids if g.community_id == sanjiang)
    sanjiang_grid.members.add(grid_member)


def demo_login_rows() -> list[tuple[str, str, str, str, str]]:
    """(role, 角色, name, mobile, password) for each demo login in the database."""
    existing = set(
        User.objects.filter(mobile__in=[d.mobile for d in DEMO_LOGINS]).values_list(
            "mobile", flat=True
        )
    )
    rows = []
    for d in DEMO_LOGINS:
        if d.mobile not in existing:
            continue
        with translation.override("en"):
            english = str(Role(d.role).label)
        with translation.override("zh-hans"):
            chinese = str(Role(d.role).label)
        rows.append((english, chinese, d.name, d.mobile, DEMO_PASSWORD))
    family = set(
        User.objects.filter(mobile__in=[d.mobile for d in FAMILY_LOGINS.values()]).values_list(
            "mobile", flat=True
        )
    )
    for key, d in FAMILY_LOGINS.items():
        if d.mobile in family:
            english, chinese = FAMILY_LABELS[key]
            rows.append((english, chinese, d.name, d.mobile, DEMO_PASSWORD))
    return rows
