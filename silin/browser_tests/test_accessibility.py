"""axe-core on every page, in the standard view and in 长辈版: nothing serious or critical.

Each case names a page, who looks at it and how to build its URL from the test cast.
"""

from __future__ import annotations

from operator import attrgetter

import pytest

pytestmark = pytest.mark.browser

# (case id, who, URL name, the dotted path in `world` to the object whose uuid the URL needs)
PAGES = [
    ("login", None, "accounts:login", None),
    ("home-street-admin", "street_admin", "console:home", None),
    ("home-worker", "worker", "console:home", None),
    ("home-liu", "liu", "console:home", None),
    ("profile-liu", "liu", "accounts:profile", None),
    ("register", "worker", "people:resident-list", None),
    ("resident-detail", "worker", "people:resident-detail", "liu"),
    ("resident-edit", "worker", "people:resident-edit", "liu"),
    ("household", "worker", "places:household-detail", "liu_household"),
    ("community-list", "street_admin", "places:community-list", None),
    ("community-detail", "worker", "places:community-detail", "sanjiang"),
    ("compound", "worker", "places:compound-detail", "tuoyuan"),
    ("building", "worker", "places:building-detail", "tuoyuan_unit.building"),
    ("resident-create", "worker", "people:resident-create", None),
    ("organization-list", "street_admin", "organizations:organization-list", None),
    ("organization-create", "street_admin", "organizations:organization-create", None),
    ("audit-log", "street_admin", "console:audit-list", None),
]


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
@pytest.mark.parametrize(("case", "who", "url_name", "obj"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_accessibility_violation(
    visitor, cast, world, case, who, url_name, obj, elderly
):
    kwargs = {"uuid": attrgetter(obj)(world).uuid} if obj else {}
    if who is None:
        if elderly:
            visitor.page.context.add_cookies(
                [{"name": "silin_elderly", "value": "1", "url": visitor.live_server.url}]
            )
    else:
        user = getattr(cast, who)
        if elderly:
            user.elderly_mode = True
            user.save(update_fields=["elderly_mode"])
        visitor.login_as(user)
    visitor.visit(url_name, label=f"{case}-{'elderly' if elderly else 'standard'}", **kwargs)
    is_elderly = visitor.page.evaluate("document.body.classList.contains('elderly')")
    assert is_elderly == elderly
    visitor.assert_accessible(f"{case} ({'长辈版' if elderly else 'standard'})")
