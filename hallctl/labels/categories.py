"""The English names of the service categories (业务类别) halls use.

A service's ``category`` in the config is its Chinese name; the kiosk groups services by it. The standard
categories of a 政务服务中心 have their English name here; a category not listed keeps its Chinese name in
English too.
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


def category_labels(categories: Iterable[str]) -> dict[str, Label]:
    """The names of ``categories`` (as the config spells them, in Chinese), in zh and en."""
    return {name: Label(name, CATEGORY_EN.get(name, name)) for name in categories if name}
