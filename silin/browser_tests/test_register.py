"""The residents' register in a browser: search, edit, and a field error for bad input."""

from __future__ import annotations

import pytest

from silin.people.models import Resident

pytestmark = pytest.mark.browser


def test_street_admin_finds_liu_by_name_in_the_register(visitor, cast, world):
    page = visitor.page
    visitor.login_as(cast.street_admin)
    visitor.visit("people:resident-list")
    results = page.locator("main")
    assert world.other_resident.name in results.inner_text()  # both communities listed

    page.locator("main input[name=name]").fill("刘大爷")
    page.locator("main input[name=name]").press("Enter")
    page.wait_for_load_state()
    page.wait_for_function(
        "name => !document.querySelector('main').innerText.includes(name)",
        arg=world.other_resident.name,
    )
    visitor.screenshot("search-liu")
    text = results.inner_text()
    assert "刘大爷" in text
    assert world.other_resident.name not in text


def _resident_form(page):
    return page.locator("main form:has([name=id_number])")


def test_worker_edits_a_note_on_liu_and_sees_it_on_his_page(visitor, cast, world):
    page = visitor.page
    visitor.login_as(cast.worker)
    visitor.visit("people:resident-edit", uuid=world.liu.uuid)
    form = _resident_form(page)
    form.locator("[name=note]").fill("每周三上午来活动室下棋")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**{visitor.url('people:resident-detail', uuid=world.liu.uuid)}")
    visitor.screenshot("after-edit")
    assert "每周三上午来活动室下棋" in page.locator("main").inner_text()
    world.liu.refresh_from_db()
    assert world.liu.note == "每周三上午来活动室下棋"


def test_a_bad_id_number_is_reported_next_to_its_field_and_nothing_changes(visitor, cast, world):
    page = visitor.page
    before = Resident.objects.get(pk=world.liu.pk)
    visitor.login_as(cast.worker)
    visitor.visit("people:resident-edit", uuid=world.liu.uuid)
    form = _resident_form(page)
    form.locator("[name=note]").fill("不应保存")
    form.locator("[name=id_number]").fill("510121194403121230")  # wrong check digit
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    visitor.screenshot("bad-id-number")

    field = _resident_form(page).locator("[name=id_number]")
    invalid = field.get_attribute("aria-invalid") == "true" or "is-invalid" in (
        field.get_attribute("class") or ""
    )
    assert invalid, "the ID number field is not marked invalid"
    # The message sits in the field's own group, not only in a banner at the top.
    group = (
        _resident_form(page)
        .locator("div:has(> [name=id_number]), div:has(> * > [name=id_number])")
        .last
    )
    error = group.locator(".invalid-feedback, .errorlist, [id$='_error']")
    assert error.count() >= 1 and error.first.is_visible()
    assert error.first.inner_text().strip()

    after = Resident.objects.get(pk=world.liu.pk)
    assert after.note == before.note
    assert after.id_number_hash == before.id_number_hash
