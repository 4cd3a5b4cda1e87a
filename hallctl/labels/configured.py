"""The English names of what the config names in Chinese only: service categories (业务类别) and bad-rating reasons.

A service's ``category`` and ``[ratings] reasons`` are written in Chinese in the config (a reason is stored with
the rating as written). The standard ones of a 政务服务中心 have their English name here; one not listed keeps its
Chinese name in English too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .states import Label

CATEGORY_EN: Mapping[str, str] = {
    "社会保障": "Social security",
    "社保": "Social insurance",
    "医疗保障": "Medical insurance",
    "医保": "Medical insurance",
    "公积金": "Housing fund",
    "不动产": "Real estate",
    "税务": "Taxes",
    "公安": "Public security",
    "户政": "Household registration",
    "出入境": "Exit and entry",
    "交通": "Transport",
    "车驾管": "Vehicles and driving licences",
    "市场监管": "Market regulation",
    "企业开办": "Starting a business",
    "工商": "Business registration",
    "民政": "Civil affairs",
    "婚姻登记": "Marriage registration",
    "人力资源": "Employment",
    "就业": "Employment",
    "住房": "Housing",
    "住建": "Housing and construction",
    "自然资源": "Natural resources",
    "卫生健康": "Health",
    "教育": "Education",
    "水电气": "Utilities",
    "司法": "Legal services",
    "公证": "Notary",
    "农业农村": "Agriculture",
    "残联": "Disabled persons' services",
    "退役军人": "Veterans' affairs",
    "综合受理": "General services",
    "综合窗口": "General services",
    "咨询": "Enquiries",
    "其他": "Other",
}

RATING_REASON_EN: Mapping[str, str] = {
    "态度不好": "Unfriendly staff",
    "服务态度差": "Unfriendly staff",
    "效率低": "Slow service",
    "等候时间长": "Long wait",
    "一次性告知不清": "Requirements not explained at once",
    "材料要求不合理": "Unreasonable document requests",
    "多次跑腿": "Had to come back several times",
    "业务不熟练": "Staff unsure of the procedure",
    "环境差": "Poor surroundings",
    "其他": "Other",
}


def configured_labels(names: Iterable[str], english: Mapping[str, str]) -> dict[str, Label]:
    """Chinese ``names`` from the config with their English names in ``english`` (else the Chinese again)."""
    return {name: Label(name, english.get(name, name)) for name in names if name}
