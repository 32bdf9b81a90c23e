"""The 节假日安排 notice reader, on notices made up for made-up years (2031, 2037): no real notice is copied."""

from __future__ import annotations

import datetime as dt

from taizhang.pure.holiday_notice import parse_notice

D = dt.date

# Made up for 2037 (1 January 2037 is a Thursday): forms the State Council uses, with full-width brackets,
# a lunar date inside the brackets, a cross-month range and a festival pair.
NOTICE_2037 = """国务院办公厅关于2037年部分节假日安排的通知
国办发明电〔2036〕99号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
  经国务院批准，现将2037年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
  一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
  二、春节：2月14日（农历腊月二十九、周六）至2月22日（农历正月初八、周日）放假调休，共9天。2月8日（周日）、2月28日（周六）上班。
  三、清明节：4月4日（周六）至6日（周一）放假，共3天。
  四、劳动节：4月30日（周四）至5月4日（周一）放假调休，共5天。4月26日（周日）、5月9日（周六）上班。
  五、端午节：6月18日（周四）放假1天。
  六、国庆节、中秋节：10月1日（周四）至8日（周四）放假调休，共8天。9月27日（周日）、10月10日（周六）上班。
  节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
                                                  国务院办公厅
                                                  2036年11月1日
"""


def test_it_reads_holiday_ranges_and_worked_weekends():
    parsed = parse_notice(NOTICE_2037)
    assert parsed.year == 2037
    assert parsed.problems == []
    holidays = parsed.holidays()
    assert holidays[:3] == [D(2037, 1, 1), D(2037, 1, 2), D(2037, 1, 3)]
    assert [d for d in holidays if d.month == 2] == [D(2037, 2, d) for d in range(14, 23)]
    # The cross-month range: 30 April to 4 May.
    assert [d for d in holidays if D(2037, 4, 29) < d < D(2037, 5, 9)] == [
        D(2037, 4, 30),
        D(2037, 5, 1),
        D(2037, 5, 2),
        D(2037, 5, 3),
        D(2037, 5, 4),
    ]
    assert D(2037, 6, 18) in holidays
    assert len(holidays) == 3 + 9 + 3 + 5 + 1 + 8
    assert parsed.workdays() == [
        D(2037, 1, 4),
        D(2037, 2, 8),
        D(2037, 2, 28),
        D(2037, 4, 26),
        D(2037, 5, 9),
        D(2037, 9, 27),
        D(2037, 10, 10),
    ]
    festivals = {d.day: d.festival for d in parsed.days}
    assert festivals[D(2037, 2, 28)] == "春节"
    assert festivals[D(2037, 10, 3)] == "国庆节、中秋节"


def test_it_reads_the_short_forms_and_a_range_into_the_next_year():
    # Made up for 2031 (1 January 2031 is a Wednesday); the 元旦 range starts in December of the year before.
    text = (
        "2031年节假日安排\n"
        "一、元旦：2030年12月30日（周一）至2031年1月1日（周三）放假调休，共3天。12月28日（周六）上班。\n"
        "二、春节：1月22日(周三)至28日(周二)放假调休,共7天。1月19日(周日)、2月8日(周六)上班。\n"
        "三、国庆节：9月30日（周二）至10月6日（周一）放假，共7天。\n"
    )
    parsed = parse_notice(text)
    assert parsed.problems == []
    assert parsed.holidays()[:3] == [D(2030, 12, 30), D(2030, 12, 31), D(2031, 1, 1)]
    assert D(2030, 12, 28) in parsed.workdays()  # worked before 元旦, in the year before
    assert D(2031, 9, 30) in parsed.holidays() and D(2031, 10, 6) in parsed.holidays()
    assert parsed.workdays()[-1] == D(2031, 2, 8)


def test_the_year_can_be_given_when_the_title_is_missing():
    parsed = parse_notice("元旦：1月1日（周五）至3日（周日）放假调休，共3天。", year=2027)
    assert parsed.year == 2027 and parsed.problems == []
    assert parsed.holidays() == [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)]
    assert parse_notice("元旦：1月1日放假。").problems[0].kind == "no_year"


def test_a_wrong_weekday_is_reported_not_guessed():
    # Pasted under the wrong year: 1 January 2038 is a Friday, not a Thursday.
    parsed = parse_notice(NOTICE_2037, year=2038)
    kinds = {p.kind for p in parsed.problems}
    assert "weekday" in kinds
    first = next(p for p in parsed.problems if p.kind == "weekday")
    assert first.day == D(2038, 1, 1) and first.stated == "3" and first.found == "4"


def test_a_wrong_total_and_a_day_both_worked_and_off_are_reported():
    text = (
        "2037年部分节假日安排\n"
        "一、元旦：1月1日（周四）至3日（周六）放假调休，共4天。\n"
        "二、春节：2月14日（周六）至22日（周日）放假调休，共9天。2月15日（周日）上班。\n"
    )
    problems = parse_notice(text).problems
    assert [(p.kind, p.festival) for p in problems] == [("total", "元旦"), ("conflict", "春节")]
    assert problems[0].stated == "4" and problems[0].found == "3"


def test_text_without_any_arrangement_is_reported():
    assert [p.kind for p in parse_notice("2037年部分节假日安排\n今天天气很好。").problems] == ["unread"]


def test_a_range_from_december_runs_into_the_notice_year():
    parsed = parse_notice("元旦：12月31日（周三）至1月2日（周五）放假调休，共3天。", year=2037)
    assert parsed.problems == []
    assert parsed.holidays() == [D(2036, 12, 31), D(2037, 1, 1), D(2037, 1, 2)]
