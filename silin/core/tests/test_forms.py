"""What every Silin form does at the boundary: clean text, plain messages, service errors."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from silin.core.forms import SilinForm, add_service_errors
from silin.lib.text import clean_text


class NoteForm(SilinForm):
    name = forms.CharField(max_length=5)
    note = forms.CharField(widget=forms.Textarea, required=False)
    people = forms.IntegerField(min_value=1, max_value=9, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False, strip=False)
    day = forms.DateField(required=False)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("刘\u200b大爷", "刘大爷"),  # zero-width space
        ("\ufeff王阿姨 ", "王阿姨"),  # byte-order mark from a spreadsheet
        ("abc\u202edef", "abcdef"),  # right-to-left override
        ("a\x00b\x07c", "abc"),  # control characters
        ("e\u0301", "\u00e9"),  # NFC
        ("一\t二\n三", "一 二 三"),  # one line
        ("，。！", "，。！"),  # Chinese full-width punctuation is kept (no NFKC)
    ],
)
def test_one_line_text_is_cleaned(raw, clean):
    assert clean_text(raw) == clean


def test_multi_line_text_keeps_its_line_breaks():
    assert clean_text("第一行\r\n第二行\u200d\n", multiline=True) == "第一行\n第二行"


def test_a_form_stores_no_invisible_character_and_leaves_passwords_as_typed():
    form = NoteForm({"name": "刘\u200b大爷", "note": "a\r\nb\x0b", "secret": " p\u200bw "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "刘大爷"
    assert form.cleaned_data["note"] == "a\nb"
    assert form.cleaned_data["secret"] == " p\u200bw "


def test_a_required_field_of_invisible_characters_only_is_empty():
    form = NoteForm({"name": "\u200b\u200b"})
    assert not form.is_valid()
    assert "name" in form.errors


@pytest.mark.parametrize(
    ("data", "field", "zh", "en"),
    [
        ({"name": "一二三四五六"}, "name", "不超过 5 个字", "5 characters or fewer"),
        ({}, "name", "请填写", "Please fill this in"),
        ({"name": "a", "people": "12"}, "people", "9", "9 or less"),
        ({"name": "a", "people": "x"}, "people", "整数", "whole number"),
        ({"name": "a", "day": "明天"}, "day", "日期", "such as 2026-12-01"),
    ],
)
def test_common_refusals_are_said_in_silins_own_words(data, field, zh, en):
    for language, text in (("zh-hans", zh), ("en", en)):
        with translation.override(language):
            form = NoteForm(data)
            assert not form.is_valid()
            assert text in " ".join(form.errors[field]), form.errors[field]


def test_a_message_the_form_sets_itself_is_kept():
    class Own(SilinForm):
        name = forms.CharField(error_messages={"required": "写上名字"})

    form = Own({})
    assert not form.is_valid()
    assert form.errors["name"] == ["写上名字"]


def test_service_errors_land_next_to_their_fields_or_at_the_top():
    form = NoteForm({"name": "a"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"name": ["已被占用"], "elsewhere": ["另一个"]}))
    assert form.errors["name"] == ["已被占用"]
    assert form.non_field_errors() == ["另一个"]
    form = NoteForm({"name": "a"})
    form.is_valid()
    add_service_errors(form, ValidationError("整体不行"))
    assert form.non_field_errors() == ["整体不行"]
