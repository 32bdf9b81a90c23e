"""Hand-written report sentences and the figures a careful reader takes from them."""

from __future__ import annotations

Expected = tuple[str, int | float, str, bool]

CASES: list[tuple[str, list[Expected]]] = [
    (
        "打掉涉黑组织5个、恶势力犯罪集团12个。",
        [("orgs.mafia", 5, "个", False), ("orgs.criminal_group", 12, "个", False)],
    ),
    (
        "破获刑事案件1234起，抓获犯罪嫌疑人5678人。",
        [("police.cases_solved", 1234, "件", False), ("police.suspects_caught", 5678, "人", False)],
    ),
    (
        "批捕涉黑涉恶犯罪嫌疑人120件356人。",
        [("procuratorate.arrests", 120, "件", False), ("procuratorate.arrests", 356, "人", False)],
    ),
    ("查封扣押冻结涉案资产23.5亿元。", [("assets.seized", 2_350_000_000, "元", False)]),
    ("查封、扣押、冻结涉案资产1267.75亿元。", [("assets.seized", 126_775_000_000, "元", False)]),
    ("全年抓获犯罪嫌疑人23.7万人。", [("police.suspects_caught", 237_000, "人", False)]),
    ("共抓获犯罪嫌疑人3万余人。", [("police.suspects_caught", 30_000, "人", True)]),
    ("抓获犯罪嫌疑人两千余人。", [("police.suspects_caught", 2000, "人", True)]),
    ("破获刑事案件十二起。", [("police.cases_solved", 12, "件", False)]),
    ("打掉恶势力团伙五个。", [("orgs.gang", 5, "个", False)]),
    ("线索查结率98.5%。", [("clues.conclusion_rate", 98.5, "%", False)]),
    (
        "受理线索1500条，查结1480条，查结率98.7%。",
        [
            ("clues.received", 1500, "条", False),
            ("clues.concluded", 1480, "条", False),
            ("clues.conclusion_rate", 98.7, "%", False),
        ],
    ),
    (
        "核查线索中查实320条，成案45条。",
        [("clues.substantiated", 320, "条", False), ("clues.substantiated", 45, "条", False)],
    ),
    (
        "起诉98件301人；一审判决76件254人。",
        [
            ("procuratorate.prosecutions", 98, "件", False),
            ("procuratorate.prosecutions", 301, "人", False),
            ("court.first_instance_judged", 76, "件", False),
            ("court.first_instance_judged", 254, "人", False),
        ],
    ),
    (
        "提起公诉涉黑涉恶案件43件217人。",
        [
            ("procuratorate.prosecutions", 43, "件", False),
            ("procuratorate.prosecutions", 217, "人", False),
        ],
    ),
    (
        "法院受理一审涉黑涉恶案件30件150人，一审宣判25件120人，二审审结10件40人。",
        [
            ("court.first_instance_accepted", 30, "件", False),
            ("court.first_instance_accepted", 150, "人", False),
            ("court.first_instance_judged", 25, "件", False),
            ("court.first_instance_judged", 120, "人", False),
            ("court.second_instance_judged", 10, "件", False),
            ("court.second_instance_judged", 40, "人", False),
        ],
    ),
    (
        "二审生效12件163人。",
        [("court.effective_judgments", 12, "件", False), ("court.effective_judgments", 163, "人", False)],
    ),
    (
        "判决生效案件8件，涉及被告人66人。",
        [
            ("court.effective_judgments", 8, "件", False),
            ("court.effective_judgments", 66, "人", False),
        ],
    ),
    (
        "立案查处涉黑涉恶腐败和“保护伞”问题215件312人。",
        [
            ("discipline.umbrella_cases", 215, "件", False),
            ("discipline.umbrella_cases", 312, "人", False),
        ],
    ),
    (
        "给予党纪政务处分180人，移送司法机关42人。",
        [
            ("discipline.sanctioned", 180, "人", False),
            ("discipline.transferred_to_judiciary", 42, "人", False),
        ],
    ),
    (
        "立案8起，处理34人。",
        [("discipline.umbrella_cases", 8, "件", False), ("discipline.persons_handled", 34, "人", False)],
    ),
    ("缉拿目标逃犯17人。", [("police.fugitives_caught", 17, "人", False)]),
    ("挂牌督办重点案件6起。", [("supervision.listed_cases", 6, "件", False)]),
    ("摸排线索近3000条。", [("clues.received", 3000, "条", True)]),
    ("收到群众举报线索约1.2万条。", [("clues.received", 12_000, "条", True)]),
    ("打掉“村霸”7个。", [("orgs.village_bully", 7, "个", False)]),
    (
        "共打掉涉黑涉恶犯罪团伙128个，其中涉黑组织13个，恶势力犯罪集团31个，恶势力犯罪团伙84个。",
        [
            ("orgs.total", 128, "个", False),
            ("orgs.mafia", 13, "个", False),
            ("orgs.criminal_group", 31, "个", False),
            ("orgs.gang", 84, "个", False),
        ],
    ),
    ("全市46个涉黑恶团伙被打掉。", [("orgs.total", 46, "个", False)]),
    ("查扣冻结涉黑涉恶资产5000余万元。", [("assets.seized", 50_000_000, "元", True)]),
    ("冻结涉案财产3.6亿余元。", [("assets.seized", 360_000_000, "元", True)]),
    ("破获各类刑事案件2,345起。", [("police.cases_solved", 2345, "件", False)]),
    ("抓获犯罪嫌疑人300余名。", [("police.suspects_caught", 300, "人", True)]),
    ("抓获涉恶成员120人左右。", [("police.suspects_caught", 120, "人", True)]),
    # Traditional script
    (
        "打掉涉黑組織5個，惡勢力犯罪集團12個；批捕涉黑涉惡犯罪嫌疑人120件356人。",
        [
            ("orgs.mafia", 5, "个", False),
            ("orgs.criminal_group", 12, "个", False),
            ("procuratorate.arrests", 120, "件", False),
            ("procuratorate.arrests", 356, "人", False),
        ],
    ),
    ("查封、扣押、凍結涉案資產23.5億元。", [("assets.seized", 2_350_000_000, "元", False)]),
    ("抓獲犯罪嫌疑人近800人。", [("police.suspects_caught", 800, "人", True)]),
    (
        "紀委監委立案查處涉黑涉惡腐敗和“保護傘”問題12件20人。",
        [
            ("discipline.umbrella_cases", 12, "件", False),
            ("discipline.umbrella_cases", 20, "人", False),
        ],
    ),
    ("線索查結率為96.3％。", [("clues.conclusion_rate", 96.3, "%", False)]),
    # ASCII punctuation and pinyin damage, as copied from the web
    ("打掉涉黑組(zǔ)織3個,恶势力团伙9个;", [("orgs.mafia", 3, "个", False), ("orgs.gang", 9, "个", False)]),
    (
        "批(pī)捕12件40人,起訴10件35人!",
        [
            ("procuratorate.arrests", 12, "件", False),
            ("procuratorate.arrests", 40, "人", False),
            ("procuratorate.prosecutions", 10, "件", False),
            ("procuratorate.prosecutions", 35, "人", False),
        ],
    ),
    # Full-width digits
    ("破获刑事案件１２３起。", [("police.cases_solved", 123, "件", False)]),
    # Things that are not figures
    ("2024年3月15日，市扫黑办召开第3次例会。", []),
    ("联系电话：0931-8888888，13800138000。", []),
    ("根据市扫黑办〔2024〕12号文件要求，开展为期3个月的集中排查。", []),
    ("增强“四个意识”、坚定“四个自信”、做到“两个维护”。", []),
    ("刑事类警情同比下降19.3%，刑事立案下降16.9%，查获犯罪集团上升10%。", []),
    ("5个工作日内完成首次回告。", []),
    ("全年培训干部3000人次。", []),
    ("发现一起、查处一起，绝不姑息。", []),
    ("本方案自2024年1月1日起施行。", []),
    ("第一条 为规范线索管理，制定本办法。", []),
    ("会议由副市长主持，共有45人参加。", []),
    ("罚款5000元并责令改正。", []),
    # More mixtures
    (
        "今年以来，全市共破获涉黑涉恶刑事案件356起，抓获犯罪嫌疑人1208人，缉拿目标逃犯9人。",
        [
            ("police.cases_solved", 356, "件", False),
            ("police.suspects_caught", 1208, "人", False),
            ("police.fugitives_caught", 9, "人", False),
        ],
    ),
    (
        "检察机关批准逮捕涉黑涉恶犯罪嫌疑人86件412人，提起公诉71件398人。",
        [
            ("procuratorate.arrests", 86, "件", False),
            ("procuratorate.arrests", 412, "人", False),
            ("procuratorate.prosecutions", 71, "件", False),
            ("procuratorate.prosecutions", 398, "人", False),
        ],
    ),
    (
        "打掉涉恶组织5个，其中恶势力犯罪集团2个，恶势力团伙2个，“村霸”1个。",
        [
            ("orgs.total", 5, "个", False),
            ("orgs.criminal_group", 2, "个", False),
            ("orgs.gang", 2, "个", False),
            ("orgs.village_bully", 1, "个", False),
        ],
    ),
    (
        "批捕恶势力犯罪案件2件14人。",
        [("procuratorate.arrests", 2, "件", False), ("procuratorate.arrests", 14, "人", False)],
    ),
    (
        "全市共受理涉黑涉恶线索4.5万余条，办结4.3万条。",
        [
            ("clues.received", 45_000, "条", True),
            ("clues.concluded", 43_000, "条", False),
        ],
    ),
    (
        "查处涉黑涉恶腐败和“保护伞”问题12个，处理53人。",
        [
            ("discipline.umbrella_cases", 12, "件", False),
            ("discipline.persons_handled", 53, "人", False),
        ],
    ),
    (
        "一审审结涉黑案件15件98人，二审判决7件41人。",
        [
            ("court.first_instance_judged", 15, "件", False),
            ("court.first_instance_judged", 98, "人", False),
            ("court.second_instance_judged", 7, "件", False),
            ("court.second_instance_judged", 41, "人", False),
        ],
    ),
    ("省扫黑办挂牌督办案件11件。", [("supervision.listed_cases", 11, "件", False)]),
    (
        "侦破涉恶案件九十八起，刑拘一百二十人。",
        [
            ("police.cases_solved", 98, "件", False),
            ("police.suspects_caught", 120, "人", False),
        ],
    ),
    ("查封冻结扣押涉案资产逾2亿元。", [("assets.seized", 200_000_000, "元", True)]),
    ("累计打掉黑恶团伙1.2万个。", [("orgs.total", 12_000, "个", False)]),
    (
        "第二季度，全市办结线索360条，办结率100%。",
        [
            ("clues.concluded", 360, "条", False),
            ("clues.conclusion_rate", 100, "%", False),
        ],
    ),
    (
        "共收到线索120条，其中查实18条、查否90条。",
        [
            ("clues.received", 120, "条", False),
            ("clues.substantiated", 18, "条", False),
        ],
    ),
    ("移送司法机关处理12人。", [("discipline.transferred_to_judiciary", 12, "人", False)]),
]
