"""The shareable poster: a portrait PNG in the CJK font (Chinese drawn, not boxes), with the
event page's QR code; cached until what it shows changes; outsiders get 404."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image, ImageChops, ImageDraw, ImageFont

from silin.activities import poster as poster_module
from silin.activities import views
from silin.activities.poster import MARGIN, PAPER, PosterText, font, render_poster, wrap
from silin.activities.services import signups
from silin.activities.tests.factories import make_event
from silin.lib.fonts import cjk_font_file

pytestmark = pytest.mark.django_db

GLYPH = "邻"
TITLE_TOP = 210  # where render_poster starts the title


@pytest.fixture(autouse=True)
def _midday(clock):
    clock.move_to(12)


def _text(**kw) -> PosterText:
    values = {
        "heading": "邻距离 · 三江社区",
        "title": GLYPH,
        "when": "2026年12月5日 星期六 15:00–17:00",
        "where": "沱源小区中庭",
        "places": "还剩 3 个名额",
        "organiser": "三江社区",
        "url": "https://silin.example/activities/events/x/",
        "scan": "扫码报名",
    }
    values.update(kw)
    return PosterText(**values)


def _glyph(face: ImageFont.FreeTypeFont) -> tuple[tuple[int, int], Image.Image]:
    """邻 alone drawn at (0, 0): where its ink starts, and the ink cropped to its box."""
    canvas = Image.new("RGB", (400, 200), PAPER)
    ImageDraw.Draw(canvas).text((0, 0), GLYPH, font=face, fill=(26, 32, 44))
    box = ImageChops.difference(canvas, Image.new("RGB", canvas.size, PAPER)).getbbox()
    assert box is not None
    return (box[0], box[1]), canvas.crop(box)


def test_the_poster_draws_the_chinese_glyph_not_a_box():
    assert cjk_font_file(bold=True) is not None, "fonts-noto-cjk is missing"
    image = Image.open(io.BytesIO(render_poster(_text()))).convert("RGB")
    assert image.size == (1080, 1620)  # portrait
    (left, top), expected = _glyph(font(80, bold=True))
    x, y = MARGIN + left, TITLE_TOP + top
    region = image.crop((x, y, x + expected.width, y + expected.height))
    assert ImageChops.difference(region, expected).getbbox() is None
    # What a font without Chinese draws for it (the .notdef box) is something else.
    _origin, box = _glyph(ImageFont.truetype("DejaVuSans-Bold.ttf", 80))
    assert box.size != expected.size or box.tobytes() != expected.tobytes()


def test_a_long_title_wraps_within_the_width_and_is_cut_after_four_lines():
    face = font(80, bold=True)
    title = "邻里" * 40
    lines = wrap(title, face, 920, 4)
    assert len(lines) == 4
    assert all(face.getlength(line) <= 920 for line in lines)
    assert lines[-1].endswith("…")
    english = wrap("A neighbourly chess league for every building", face, 600, 4)
    assert all(" " not in (line[0], line[-1]) for line in english)
    assert " ".join(english) == "A neighbourly chess league for every building"


def test_the_poster_is_served_as_png_to_who_sees_the_event(cast, world, client):
    event = make_event(world, cast.worker)
    url = reverse("activities:poster", args=[event.uuid])
    client.force_login(cast.liu)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1080, 1620)
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404


def test_the_poster_is_cached_until_what_it_shows_changes(cast, world, client, monkeypatch):
    drawn: list[PosterText] = []
    real = poster_module.render_poster

    def counting(text):
        drawn.append(text)
        return real(text)

    monkeypatch.setattr(views, "render_poster", counting)
    event = make_event(world, cast.worker, capacity=5)
    client.force_login(cast.liu)
    url = reverse("activities:poster", args=[event.uuid])
    first = client.get(url).content
    assert client.get(url).content == first
    assert len(drawn) == 1
    signups.signup_create(actor=cast.liu, event=event)
    client.get(url)
    assert len(drawn) == 2
    assert drawn[1].places != drawn[0].places
    assert drawn[0].url == f"http://testserver/activities/events/{event.uuid}/"
    assert drawn[0].organiser == "三江社区"


def test_the_poster_speaks_the_readers_language(cast, world, client, monkeypatch):
    drawn: list[PosterText] = []
    monkeypatch.setattr(views, "render_poster", lambda t: drawn.append(t) or b"png")
    event = make_event(world, cast.worker, capacity=5)
    client.force_login(cast.liu)
    url = reverse("activities:poster", args=[event.uuid])
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "zh-hans"
    client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert drawn[0].places == "5 of 5 places left"
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    assert any(day in drawn[0].when for day in weekdays)
    assert "15:00–17:00" in drawn[0].when
    assert "星期" in drawn[1].when
    assert drawn[1].heading.startswith("邻")


def test_the_event_page_and_the_console_link_to_the_poster(cast, world, client):
    event = make_event(world, cast.worker)
    poster_url = reverse("activities:poster", args=[event.uuid])
    client.force_login(cast.worker)
    assert (
        poster_url
        in client.get(reverse("activities:event-detail", args=[event.uuid])).content.decode()
    )
    assert (
        poster_url in client.get(reverse("activities:console", args=[event.uuid])).content.decode()
    )
