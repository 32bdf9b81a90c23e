"""The keys that recognise one name under variant spellings (pure/names.py)."""

from taizhang.pure.names import digits_key, fold_name, full_id, id_key, pinyin_key

VALID_ID = "11010519491231002X"


def test_folding_joins_script_width_and_spacing_variants():
    assert fold_name("張三") == fold_name("张三") == fold_name("张 三") == fold_name("张\u3000三") == "张三"
    assert fold_name("ＡＢＣ建筑公司") == fold_name("abc 建筑公司")
    assert fold_name("阿不都·热合曼") == fold_name("阿不都热合曼")


def test_pinyin_finds_homophones_but_not_other_names():
    assert pinyin_key("张三") == pinyin_key("章三") == pinyin_key("張 三") == "zhangsan"
    assert pinyin_key("李四") != pinyin_key("张三")
    assert pinyin_key("ABC") == "abc" or pinyin_key("ABC") == ""


def test_a_full_id_counts_only_with_a_valid_check_digit():
    assert full_id(VALID_ID) == VALID_ID
    assert full_id(VALID_ID.lower()) == VALID_ID
    assert full_id("110105194912310021") == ""  # wrong check digit
    assert full_id("1101051949****002X") == ""  # masked
    assert full_id("002X") == ""


def test_fragments_are_normalised_and_short_ones_ignored():
    assert id_key(" 1101 05 ") == "110105"
    assert id_key("12") == ""
    assert digits_key("+86 138-0013-8000") == "13800138000"
    assert digits_key("８０００") == "8000"
    assert digits_key("12") == ""
