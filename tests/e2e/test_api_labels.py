"""``GET /api/v1/labels`` (PRODUCT.md §6.2): the one catalogue of names and error messages, public and cacheable."""

import csv
import io

import pytest

from hallctl.reports import export
from hallctl.services import printing
from tests.e2e.helpers.api import error_of, issue, login_window


def test_the_catalogue_is_public_and_names_everything_in_chinese_by_default(api):
    reply = api["anon"].get("/labels")
    assert reply.status_code == 200
    zh = reply.get_json()
    assert zh["lang"] == "zh"
    assert (zh["ticket_status"]["held"], zh["ticket_status"]["no_show"], zh["ticket_status"]["transferred"]) == (
        "已挂起",
        "已过号",
        "已转移",
    )
    assert zh["window_state"]["paused"] == "暂停服务" and zh["outcome"]["needs_materials"] == "补正告知"
    assert zh["hold_kind"]["holding"] == "材料留本窗口" and zh["pause_reason"]["meeting"] == "会议"
    assert zh["device_state"]["unknown"] == "无应答" and zh["rating_level"]["5"] == "非常不满意"
    assert zh["service"]["SB"] == "社保医保" and zh["priority"]["green"] == "绿色通道"
    assert zh["errors"]["unauthenticated"]["kiosk"].startswith("本机未激活")
    assert zh["errors"]["forbidden"]["login"] == "用户名或密码错误，请重新输入"
    assert zh["generic_error"] == "操作未成功，请稍后再试"


def test_the_english_catalogue_has_the_same_codes_with_english_names(api):
    zh = api["anon"].get("/labels?lang=zh").get_json()
    en = api["anon"].get("/labels?lang=en").get_json()
    assert en["lang"] == "en"
    assert {table: set(names) for table, names in en.items() if isinstance(names, dict)} == {
        table: set(names) for table, names in zh.items() if isinstance(names, dict)
    }
    assert en["ticket_status"]["held"] == "On hold" and en["service"]["SB"] == "Social insurance"
    assert en["errors"]["unauthenticated"]["kiosk"] == "This kiosk is not activated. Please ask staff to set it up."
    assert en["generic_error"] == "That did not work. Please try again later."


@pytest.mark.parametrize("lang", ["fr", "ZH", "", "zh-CN"])
def test_a_language_the_hall_does_not_have_is_a_clear_400(api, lang):
    reply = api["anon"].get(f"/labels?lang={lang}")
    assert reply.status_code == 400
    error = error_of(reply)
    assert (error["code"], error["field"]) == ("unsupported_language", "lang")
    assert "zh" in error["message"] and "en" in error["message"]


def test_the_catalogue_is_cacheable_and_a_repeat_with_its_etag_is_a_304(api):
    first = api["anon"].get("/labels?lang=en")
    assert first.headers["ETag"] and first.cache_control.public and first.cache_control.max_age >= 60
    again = api["anon"].get("/labels?lang=en", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    other = api["anon"].get("/labels?lang=zh", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200 and other.headers["ETag"] != first.headers["ETag"]


def test_the_catalogue_holds_no_secret_of_the_hall(web, api):
    hall, _app, _socketio = web
    text = api["anon"].get("/labels").get_data(as_text=True)
    for secret in (api["kiosk"].token, api["manager"].token, hall.config.hall.database, "password"):
        assert secret not in text


def test_every_error_the_api_answers_has_a_message_in_the_catalogue(api):
    errors = api["anon"].get("/labels").get_json()["errors"]
    refusals = [
        api["anon"].post("/tickets", json={"service": "SB"}),  # unauthenticated
        api["kiosk"].post("/tickets", json={"service": "SB", "kiosk": "k9"}),  # kiosk_mismatch
        api["kiosk"].post("/tickets", json={"service": "NOPE"}),  # invalid
        api["anon"].get("/tickets/999?token=wrong"),  # not_found
        api["anon"].post("/auth/login", json={"username": "staff1", "password": "wrong"}),  # forbidden
        api["staff1"].post("/windows/1/finish", json={"outcome": "completed"}),  # invalid_transition
        api["anon"].get("/no/such/endpoint"),  # not_found (an endpoint)
        api["anon"].post("/labels"),  # method_not_allowed
        api["kiosk"].post("/tickets", data="{", headers={"Content-Type": "application/json"}),  # bad_json
    ]
    codes = [error_of(reply)["code"] for reply in refusals]
    assert len(set(codes)) >= 7
    assert [code for code in codes if code not in errors] == []


def test_a_named_export_uses_the_catalogue_s_names(api):
    ticket = issue(api)
    login_window(api)
    api["staff1"].post("/windows/1/call", json={})
    api["staff1"].post("/windows/1/start", json={})
    api["staff1"].post("/windows/1/finish", json={"outcome": "needs_materials"})
    api["anon"].post(f"/tickets/{ticket['id']}/rating?token={ticket['track_token']}", json={"level": 2})
    reply = api["manager"].get("/tickets/export.csv?from=2026-11-23&to=2026-11-23")
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    for lang in ("zh", "en"):
        names = api["anon"].get(f"/labels?lang={lang}").get_json()
        (row,) = export.named(rows, names)
        assert row["status"] == names["ticket_status"]["finished"]
        assert row["outcome"] == names["outcome"]["needs_materials"]
        assert row["service"] == names["service"]["SB"]
        assert row["priority"] == names["priority"]["normal"]
        assert row["rating_level"] == names["rating_level"]["2"]
    assert row["status"] == "Finished" and row["number"] == "A001"


def test_the_openapi_document_lists_the_labels_with_their_languages(api):
    operation = api["anon"].get("/openapi.json").get_json()["paths"]["/api/v1/labels"]["get"]
    (lang,) = [p for p in operation["parameters"] if p["name"] == "lang"]
    assert lang["schema"]["enum"] == ["zh", "en"] and lang["schema"]["default"] == "zh"
    assert "security" not in operation and "400" in operation["responses"]


def test_the_printed_ticket_names_its_service_and_lane_as_the_catalogue_does(web, api):
    hall, _app, _socketio = web
    ticket = issue(api, "SB", priority="green")
    printed = printing.print_order(hall, ticket["id"])
    zh = api["anon"].get("/labels?lang=zh").get_json()
    en = api["anon"].get("/labels?lang=en").get_json()
    assert (printed.service_name, printed.priority_name) == (zh["service"]["SB"], zh["priority"]["green"])
    assert (printed.service_name_en, printed.priority_name_en) == (en["service"]["SB"], en["priority"]["green"])
