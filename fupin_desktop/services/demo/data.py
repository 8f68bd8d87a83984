"""Value pools and small generators for the demo township (names, ID/bank/phone numbers).

Everything here is pure and driven by the ``random.Random`` passed in, so a seed gives the same
township every time. The township is a made-up 清河镇 in 平塘县 (黔南州, Guizhou): ID numbers
use that county's real region code so they pass every check the importer applies.
"""

from __future__ import annotations

import datetime as dt
import random

from ...domain.idcard import check_char

PROVINCE = "贵州省"
PREFECTURE = "黔南布依族苗族自治州"
COUNTY = "平塘县"
COUNTY_CODE = "522727"
TOWNSHIP = "清河镇"
TOWNSHIP_CODE = "104"  # 3-digit township part of the 12-digit village codes
FONDS_NO = "Z012"
# Spouses married in from neighbouring counties carry those counties' codes.
NEIGHBOUR_CODES = ("522728", "522729", "522731", "522701", "522732")

VILLAGE_NAMES = (
    "青石村", "白沙村", "红岩村", "龙潭村", "杨柳村", "高峰村", "新民村", "大坪村", "小河村",
    "石门村", "黄泥村", "枫香村", "新寨村", "水口村", "关口村", "团结村", "金星村", "马场村",
    "凉水井村", "摆茹村",
)

# Frequent surnames of the area (repeats weight the draw: 罗/王/杨/吴 are common in 黔南).
SURNAMES = (
    "罗罗罗王王王杨杨杨吴吴李李陈陈刘张黄黄韦韦蒙龙石潘莫岑班赵周何谢唐宋邓冯田"
    "胡郭梁曹彭袁卢蒋蔡余付程苏吕金肖")

# Given names by birth cohort and sex (older villagers carry the names of their generation).
GIVEN = {
    ("old", "男"): ("建国", "德福", "正发", "国强", "明德", "光荣", "志高", "开明", "永福", "世贵",
                   "朝富", "德明", "福", "贵", "发", "林", "山", "才", "富", "生", "清", "忠"),
    ("old", "女"): ("秀英", "桂兰", "玉兰", "秀珍", "凤英", "桂英", "秀兰", "翠花", "玉珍", "金花",
                   "春梅", "素芬", "兰芝", "妹", "英", "珍", "芬", "群", "秀芝", "桂芬"),
    ("mid", "男"): ("志强", "建华", "国平", "海涛", "永红", "小平", "伟", "勇", "军", "平", "斌",
                   "华", "明", "刚", "强", "波", "文军", "兴华", "朝军", "光明", "红军"),
    ("mid", "女"): ("红梅", "丽华", "春燕", "秀梅", "艳", "丽", "梅", "霞", "芳", "燕", "娟",
                   "玲", "琴", "敏", "小红", "晓梅", "桂芳", "丽萍", "春花", "金凤"),
    ("young", "男"): ("磊", "鹏", "杰", "涛", "超", "浩", "俊杰", "志鹏", "文杰", "家豪", "明辉",
                     "宇", "帅", "龙", "飞", "亮", "江", "阳", "波涛", "成"),
    ("young", "女"): ("婷", "丹", "倩", "雪", "静", "佳佳", "婷婷", "丽娟", "晓燕", "雨", "欢",
                     "露", "佳慧", "蓉", "娇", "媛", "芳芳", "小丽", "雪梅", "莉"),
    ("child", "男"): ("浩然", "宇轩", "子豪", "俊熙", "浩宇", "子轩", "一鸣", "博文", "睿", "轩",
                     "昊", "锦程", "天佑", "梓睿", "宇航", "思源", "泽宇", "嘉豪", "晨阳", "俊"),
    ("child", "女"): ("欣怡", "梓涵", "诗涵", "雨桐", "可馨", "思琪", "语嫣", "佳怡", "梦瑶", "紫涵",
                     "一诺", "若曦", "沐晨", "欣妍", "子涵", "雨萱", "梓萱", "悦", "诗雨", "安琪"),
}

# Mostly 汉族; the area's minorities (布依族, 苗族, 水族) as a minority of households.
ETHNICITIES = ("汉族",) * 16 + ("布依族",) * 2 + ("苗族", "水族")

BANKS = (  # (开户银行, card BIN)
    ("贵州省农村信用社", "622368"), ("贵州省农村信用社", "621779"),
    ("中国邮政储蓄银行", "621799"), ("中国农业银行", "622848"),
)
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                   "155", "157", "158", "159", "166", "177", "180", "182", "183", "185", "187",
                   "188", "189", "191", "198", "199")

HELPER_UNITS = (
    "平塘县农业农村局", "平塘县乡村振兴局", "平塘县卫生健康局", "平塘县教育局", "平塘县人社局",
    "平塘县水务局", "平塘县林业局", "清河镇人民政府", "清河镇卫生院", "清河镇中心学校",
    "清河镇农业服务中心", "平塘县住建局",
)


def cohort(birth_year: int) -> str:
    if birth_year < 1960:
        return "old"
    if birth_year < 1985:
        return "mid"
    if birth_year < 2005:
        return "young"
    return "child"


def given_name(rng: random.Random, sex: str, birth_year: int) -> str:
    return rng.choice(GIVEN[(cohort(birth_year), sex)])


def birth_date_for_age(rng: random.Random, today: dt.date, age: int) -> dt.date:
    """A birth date at which someone is exactly ``age`` on ``today``."""
    latest = _years_before(today, age)  # birthday today
    earliest = _years_before(today, age + 1) + dt.timedelta(days=1)
    span = (latest - earliest).days
    return earliest + dt.timedelta(days=rng.randint(0, span))


def _years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February in a common year
        return d.replace(year=d.year - years, day=28)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def make_id(rng: random.Random, region: str, birth: dt.date, sex: str, taken: set[str]) -> str:
    """A valid, unused 18-character ID: region + birth date + order code (odd = male) + check."""
    ymd = birth.strftime("%Y%m%d")
    parity = 1 if sex == "男" else 0
    while True:
        order = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if parity else (0, 2, 4, 6, 8))
        body = f"{region}{ymd}{order:03d}"
        number = body + check_char(body)
        if number not in taken:
            taken.add(number)
            return number


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = ord(ch) - 48
        if i % 2 == 0:  # doubled: positions counted from the check digit's left neighbour
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def bank_account(rng: random.Random) -> tuple[str, str]:
    """(bank name, account). About one in twenty is an old passbook number that fails Luhn."""
    bank, bin6 = rng.choice(BANKS)
    body = bin6 + "".join(str(rng.randint(0, 9)) for _ in range(12))
    check = _luhn_digit(body)
    if rng.random() < 0.05:
        check = str((int(check) + rng.randint(1, 9)) % 10)  # passbook: deliberately not Luhn
    return bank, body + check


def weighted(rng: random.Random, table: tuple[tuple[object, float], ...]):
    """Pick a value from ((value, weight), …)."""
    values = [v for v, _ in table]
    weights = [w for _, w in table]
    return rng.choices(values, weights)[0]
