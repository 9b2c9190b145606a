"""The bare-Django floor for bench/rush.py: the least a Django view of the same shape costs.

A WSGI application with its own minimal settings (no Silin app, no auth, no middleware
beyond CommonMiddleware), served by gunicorn from bench/rush.py only:

    DATABASE_URL=postgres://... gunicorn --chdir bench _floor_app:application

- `POST /floor/slots/<id>/claims` does the kind of write a booking does: a row lock on the
  parent (`SELECT ... FOR UPDATE`), a capacity check (a count of its children), an INSERT
  when there is room; 201 or 409, a small JSON body either way.
- `GET /floor/` answers a trivial JSON document.

Its two tables (`bench_floor_slot`, `bench_floor_claim`) are created by bench/rush.py
(`FLOOR_TABLES`) in the benchmark database; nothing in Silin knows them.
"""

from __future__ import annotations

import json
import os

import dj_database_url
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-not-a-secret",  # noqa: S106
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    INSTALLED_APPS=[],
    USE_TZ=True,
    DATABASES={
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    },
)

import django  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

django.setup()


@csrf_exempt
def claim(request, slot_id: int):
    if request.method != "POST":
        return JsonResponse({"error": "method"}, status=405)
    data = json.loads(request.body or b"{}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT capacity FROM bench_floor_slot WHERE id = %s FOR UPDATE", [slot_id])
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"error": "not_found"}, status=404)
        cursor.execute("SELECT count(*) FROM bench_floor_claim WHERE slot_id = %s", [slot_id])
        if cursor.fetchone()[0] >= row[0]:
            return JsonResponse({"error": "conflict", "message": "taken"}, status=409)
        cursor.execute(
            "INSERT INTO bench_floor_claim (slot_id, who, attendees) VALUES (%s, %s, %s) "
            "RETURNING id",
            [slot_id, str(data.get("who", "")), int(data.get("attendees", 1))],
        )
        claim_id = cursor.fetchone()[0]
    return JsonResponse({"id": claim_id, "slot": slot_id}, status=201)


def hello(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("floor/", hello),
    path("floor/slots/<int:slot_id>/claims", claim),
]

application = get_wsgi_application()
