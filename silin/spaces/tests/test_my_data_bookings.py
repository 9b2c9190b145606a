"""Bookings on "My data": the newest few on the page, every one in the downloads."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone

from silin.spaces.tests.factories import BookingFactory, SpaceFactory, open_every_day


def test_my_data_shows_the_newest_bookings_and_says_the_rest_are_in_the_download(
    cast, world, login, clock
):
    clock.move_to(10)
    room = open_every_day(SpaceFactory(name="棋牌室", community=world.sanjiang))
    start = timezone.now() - dt.timedelta(days=40)
    for i in range(30):
        day = start + dt.timedelta(days=i)
        BookingFactory(
            space=room, booker=cast.liu, starts_at=day, ends_at=day + dt.timedelta(hours=1)
        )
    client = login(cast.liu)
    html = client.get(reverse("people:my-data")).content.decode()
    section = html.split('id="section-spaces-bookings"', 1)[1].split("</section>", 1)[0]
    assert section.count("my-data-record") == 3
    assert "27" in section and reverse("spaces:booking-mine") in section
    body = json.loads(client.get(reverse("people:my-data-download", args=["json"])).content)
    [bookings] = [s for s in body["sections"] if s["key"] == "spaces.bookings"]
    assert len(bookings["records"]) == 30
