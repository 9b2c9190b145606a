"""The Silin JSON API, mounted at /api/v1/ (OpenAPI docs at /api/v1/docs)."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI, Router
from ninja.throttling import UserRateThrottle

from silin.accounts.api import router as accounts_router
from silin.activities.api import router as activities_router
from silin.core.api.errors import install_exception_handlers
from silin.mutualaid.api import router as mutualaid_router
from silin.mutualaid.api_ledger import router as ledger_router
from silin.mutualaid.api_pairings import router as pairings_router
from silin.organizations.api import router as organizations_router
from silin.people.acting import acting_default_auth
from silin.people.api import router as people_router
from silin.people.proxy_api import router as proxy_router
from silin.places.api import router as places_router
from silin.spaces.api import router as spaces_router
from silin.workbooks.api import router as workbooks_router

api = NinjaAPI(
    title="Silin API",
    version="1",
    description=(
        "The JSON API of Silin (四邻). Sign in with a browser session or send a personal "
        "access token as `Authorization: Bearer sl_…`. A family proxy acts for the person "
        "they help with `X-Acting-For: <their account UUID>`. Every error has the shape "
        '`{"error": {"code", "message", "fields"}}`; see docs/api.md.'
    ),
    urls_namespace="api",
    docs_url="/docs",
    # The token or the session, then the X-Acting-For header (family proxies).
    auth=acting_default_auth,
    # Generous: it stops a runaway integration, not a person clicking through pages.
    throttle=[UserRateThrottle("1200/min")],
)
install_exception_handlers(api)

api.add_router("", accounts_router)
api.add_router("", places_router)
api.add_router("", people_router)
api.add_router("", proxy_router)
api.add_router("", organizations_router)
api.add_router("", spaces_router)
api.add_router("", activities_router)
api.add_router("", mutualaid_router)
api.add_router("", pairings_router)
api.add_router("", ledger_router)
api.add_router("", workbooks_router)

# Last, so it only catches what no endpoint matched (including malformed UUIDs in a path):
# such requests get the error schema instead of the site's HTML 404 page.
unmatched = Router(auth=None)


@unmatched.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def not_found(request, rest: str):
    raise Http404


api.add_router("", unmatched)
