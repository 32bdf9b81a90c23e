"""Made-up 节假日安排 notices for 2027 and 2028: the calendar data the date tests state (not the official ones).

They agree with the moments of the date matrix: Saturday 6 February 2027 is a 调休 working day before 春节 and
Wednesday 10 February 2027 is inside it.
"""

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知（测试用，虚构）
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月7日（周日）至13日（周六）放假调休，共7天。2月6日（周六）、2月20日（周六）上班。
三、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""

NOTICE_2028 = """国务院办公厅关于2028年部分节假日安排的通知（测试用，虚构）
一、元旦：1月1日（周六）至3日（周一）放假，共3天。
二、春节：1月15日（周六）至23日（周日）放假调休，共9天。1月8日（周六）、1月29日（周六）上班。
"""
