from __future__ import annotations

import datetime as dt

import pytest

from silin.lib import crypto, idnumbers, masking, phones

# 11010519491231002X is the worked example printed in GB 11643-1999.
STANDARD_EXAMPLE = "11010519491231002X"


def test_the_standards_worked_example_is_valid():
    parsed = idnumbers.parse(STANDARD_EXAMPLE)
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"


def test_a_wrong_check_digit_is_rejected():
    with pytest.raises(idnumbers.IdNumberError) as exc:
        idnumbers.parse("110105194912310021")
    assert exc.value.code == "check_digit"


@pytest.mark.parametrize(
    "raw",
    ["１１０１０５１９４９１２３１００２ｘ", " 110105 19491231 002x ", "11010519491231002x"],
)
def test_full_width_digits_spaces_and_lower_x_are_normalised(raw):
    assert idnumbers.parse(raw).value == STANDARD_EXAMPLE


@pytest.mark.parametrize("raw", ["", "12345", "11010519491331002X", "1101051949123100XX"])
def test_malformed_numbers_are_rejected(raw):
    with pytest.raises(idnumbers.IdNumberError):
        idnumbers.parse(raw)


def test_built_numbers_parse_back_to_their_birth_date_and_sex():
    for sex in ("M", "F"):
        value = idnumbers.build("510121", dt.date(1946, 3, 12), 17, sex)
        parsed = idnumbers.parse(value)
        assert (parsed.birth_date, parsed.sex) == (dt.date(1946, 3, 12), sex)


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("13800001234", True),
        ("+86 138-0000-1234", True),
        ("12800001234", False),
        ("1380000123", False),
    ],
)
def test_mobile_numbers(raw, ok):
    assert phones.is_valid(phones.normalise(raw)) is ok


def test_masks_keep_only_the_ends():
    assert masking.mask_id_number("510121194603120017") == "5101**********0017"
    assert masking.mask_mobile("13812345678") == "138****5678"


def test_encryption_round_trips_and_never_stores_plain_text():
    token = crypto.encrypt("13800001234")
    assert "13800001234" not in token
    assert crypto.decrypt(token) == "13800001234"


def test_lookup_hash_is_keyed(settings):
    first = crypto.lookup_hash("13800001234")
    settings.SILIN_HASH_KEY = "another-key"
    assert crypto.lookup_hash("13800001234") != first


def test_a_pdf_sets_chinese_text_in_the_cjk_font():
    from silin.lib import pdf

    assert pdf.cjk_font_available(), "fonts-noto-cjk is missing (scripts/system_deps.sh)"
    import io

    from pypdf import PdfReader

    document = pdf.html_to_pdf("<h1>志愿服务记录证明</h1><p>刘大爷 · 沱源 3-1-201</p>")
    page = PdfReader(io.BytesIO(document)).pages[0]
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("Noto-Sans-CJK" in name for name in fonts), fonts  # embedded: no boxes
    assert "志愿服务记录证明" in page.extract_text()
