"""Search text folding: Vietnamese without diacritics, Chinese traditional → simplified."""

from kolops.core.text import fold, normalize_handle


def test_vietnamese_diacritics_and_case_fold_away():
    assert fold("Ngọc Trinh") == "ngoc trinh"
    assert fold("ĐỖ MỸ LINH") == "do my linh"
    assert fold("  Bếp   của  mẹ ") == "bep cua me"


def test_traditional_chinese_becomes_simplified():
    assert fold("張偉的美食頻道") == fold("张伟的美食频道") == "张伟的美食频道"


def test_empty_text_folds_to_empty():
    assert fold("") == ""


def test_handles_compare_without_at_sign_or_case():
    assert normalize_handle(" @Linh.Beauty ") == "linh.beauty"
