"""The demo street's social organisations: five community organisations in every community
and a registered social-work agency in 三江社区, with leaders and members drawn from the
residents (the dance team of 三江社区 led by the demo login 杨桂兰)."""

from __future__ import annotations

import datetime as dt

from silin.demo.build import Build, Candidate
from silin.organizations.models import Membership, Organization
from silin.people.models import Resident, Tag

ORGANISATIONS = [
    # (suffix, kind, field, description)
    ("舞蹈队", "filed", "culture_sports", "每天晚饭后在广场跳坝坝舞，也为社区活动排节目。"),
    ("象棋协会", "filed", "culture_sports", "老中青棋友切磋，每月一次社区象棋赛。"),
    ("小老助大老志愿服务队", "filed", "volunteering", "低龄老人结对帮助高龄、独居老人。"),
    ("院落互助联盟", "filed", "mutual_aid", "楼上楼下、门对门互助，代买代办，邻里照应。"),
    ("邻里调解委员会", "filed", "mediation", "调解邻里纠纷，协助院落议事。"),
]
REGISTERED_ORGANISATION = (
    "金堂县益邻社会工作服务中心",
    "registered",
    "public_welfare",
    "承接街道“四邻”项目的专业社工机构。",
)


def make_organisations(build: Build) -> None:
    rng = build.rng
    orgs: list[Organization] = []
    members_of: list[list[Candidate]] = []
    for community in build.communities.values():
        short = community.name.removesuffix("社区")
        pool = build.candidates.get(community.id, [])
        specs = [(f"{short}{s}", k, f, d) for s, k, f, d in ORGANISATIONS]
        if community.name == "三江社区":
            specs.append(REGISTERED_ORGANISATION)
        for name, kind, fld, description in specs:
            members = rng.sample(pool, min(len(pool), rng.randrange(8, 41)))
            if community.name == "三江社区" and name.endswith("舞蹈队"):
                r = build.special["org_leader"]
                members = [(r.id, r.name, r.phone, False), *members]
            # A leader people can ring: the first member with a mobile.
            leader = next((m for m in members if m[2]), members[0] if members else None)
            orgs.append(
                Organization(
                    uuid=build.uuid(),
                    name=name,
                    kind=kind,
                    field=fld,
                    community=community,
                    leader_id=leader[0] if leader else None,
                    contact_name=leader[1] if leader else "",
                    contact_phone=leader[2] if leader else "",
                    description=description,
                    founded_on=dt.date(rng.randrange(2015, 2026), 1, 1)
                    + dt.timedelta(days=rng.randrange(365)),
                )
            )
            members_of.append(members)
    build.bulk(Organization, orgs)
    rows, volunteer_tags = [], []
    for org, members in zip(orgs, members_of, strict=True):
        ids = dict.fromkeys(m[0] for m in members)  # once each, in order
        rows += [Membership(organization=org, resident_id=i) for i in ids]
        if org.field == Organization.Field.VOLUNTEERING:
            volunteer_tags += [m[0] for m in members if not m[3]]
    build.bulk(Membership, rows)
    # Members of a volunteer team carry the volunteer tag too.
    through, tag_id = Resident.tags.through, Tag.objects.get(code="volunteer").id
    build.bulk(
        through,
        [through(resident_id=i, tag_id=tag_id) for i in dict.fromkeys(volunteer_tags)],
    )
