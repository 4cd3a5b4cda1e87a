"""KPIs on hand-computed data, against the per-ticket export on a seeded month, and over the API."""

import csv
import io
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from hallctl.domain.model import HoldKind, Outcome
from hallctl.reports import export, kpis
from hallctl.reports.seed import seed
from hallctl.services import windows as win
from hallctl.services.ratings import record_rating
from hallctl.services.tickets import IssueTicket, RateTicket, issue_ticket, rate_ticket
from hallctl.services.windows import WindowAction
from tests.conftest import BOTH_DATABASES

DAY = date(2026, 11, 23)
W1, W2, W3 = (WindowAction(n, f"staff{n}") for n in (1, 2, 3))
TARGETS = {"SB": 900, "GJJ": 900, "BDC": 900}


def at(clock, hh, mm, ss=0, day=DAY):
    """Set the clock to a local Shanghai time."""
    clock.set(datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=timezone(timedelta(hours=8))))


@pytest.fixture
def scenario(hall, clock):
    """Five tickets whose figures are worked out by hand in the test below."""
    for act in (W1, W2, W3):
        win.login(hall, act)
    at(clock, 9, 0)
    t1 = issue_ticket(hall, IssueTicket("SB"))
    at(clock, 9, 2)
    t2 = issue_ticket(hall, IssueTicket("SB"))
    at(clock, 9, 5)
    issue_ticket(hall, IssueTicket("GJJ"))
    at(clock, 9, 10)
    win.call(hall, W1, t1["id"])  # t1 wait 600
    at(clock, 9, 11)
    win.recall(hall, W1)
    at(clock, 9, 12)
    win.start(hall, W1)  # walk 60 (from the recall)
    at(clock, 9, 20)
    win.finish(hall, W1, Outcome.COMPLETED)  # service 480
    rate_ticket(hall, RateTicket(t1["id"], t1["track_token"], 1))
    at(clock, 9, 21)
    win.call(hall, W1)  # GJJ t3 weighs 2 at window 1: wait 960
    at(clock, 9, 21, 30)
    win.start(hall, W1)  # walk 30
    at(clock, 9, 25)
    child = win.transfer(hall, W1, "BDC", None)["child"]  # service 210; child issued 09:25
    at(clock, 9, 27)
    win.call(hall, W3)  # child wait 120
    at(clock, 9, 28)
    win.start(hall, W3)
    at(clock, 9, 30)
    win.hold(hall, W3, HoldKind.NOT_HOLDING)
    at(clock, 9, 31)
    win.resume(hall, W3, child["id"])
    at(clock, 9, 32)
    win.call(hall, W3)
    at(clock, 9, 33)
    win.start(hall, W3)  # walk 60
    at(clock, 9, 40)
    win.finish(hall, W3, Outcome.ACCEPTED)  # service 420
    record_rating(hall, 3, 5)
    at(clock, 9, 30)
    win.call(hall, W2, t2["id"])  # t2 wait 1680
    win.no_show(hall, W2)
    at(clock, 23, 50)
    t4 = issue_ticket(hall, IssueTicket("SB", enforce_hours=False))
    at(clock, 0, 5, day=DAY + timedelta(days=1))
    win.call(hall, W1, t4["id"])  # wait 900: exactly the target, within it
    at(clock, 0, 6, day=DAY + timedelta(days=1))
    win.start(hall, W1)
    at(clock, 0, 16, day=DAY + timedelta(days=1))
    win.finish(hall, W1, Outcome.COMPLETED)  # service 600
    return hall


def report(hall, by, first=DAY, last=DAY):
    with hall.uow(write=False) as uow:
        return {row["key"]: row for row in kpis.kpis(uow.session, hall.hall_id, first, last, by, TARGETS)}


@BOTH_DATABASES
def test_kpis_by_service_match_the_hand_computed_figures(scenario):
    rows = report(scenario, "service")
    sb, gjj, bdc = rows["SB"], rows["GJJ"], rows["BDC"]
    assert (sb["issued"], sb["served"], sb["no_show"], sb["called"]) == (3, 2, 1, 3)
    assert sb["no_show_pct"] == 33.3
    assert (sb["wait_mean_s"], sb["wait_p50_s"], sb["wait_p90_s"], sb["wait_max_s"]) == (1060.0, 900.0, 1680.0, 1680.0)
    assert sb["sl_pct"] == 66.7
    assert (sb["walk_mean_s"], sb["service_mean_s"], sb["service_p50_s"], sb["service_p90_s"]) == (
        60.0,
        540.0,
        480.0,
        600.0,
    )
    assert sb["ratings"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0} and sb["satisfaction_pct"] == 100.0
    assert sb["outcomes"]["completed"] == 2
    assert (gjj["issued"], gjj["transferred"], gjj["served"], gjj["wait_mean_s"], gjj["sl_pct"]) == (
        1,
        1,
        0,
        960.0,
        0.0,
    )
    assert (gjj["walk_mean_s"], gjj["service_mean_s"]) == (30.0, 210.0)
    assert (bdc["issued"], bdc["served"], bdc["held"], bdc["wait_mean_s"], bdc["walk_mean_s"]) == (1, 1, 1, 120.0, 60.0)
    assert bdc["service_mean_s"] == 420.0 and bdc["outcomes"]["accepted"] == 1
    assert bdc["ratings"]["5"] == 1 and bdc["satisfaction_pct"] == 0.0


def test_kpis_by_hour_window_staff_day_and_weekday(scenario):
    assert {k: r["issued"] for k, r in report(scenario, "hour").items()} == {9: 4, 23: 1}
    by_window = report(scenario, "window")
    assert {k: r["issued"] for k, r in by_window.items()} == {1: 3, 2: 1, 3: 1}
    assert by_window[2]["no_show"] == 1
    assert {k: r["served"] for k, r in report(scenario, "staff").items()} == {"staff1": 2, "staff2": 0, "staff3": 1}
    assert list(report(scenario, "day")) == ["2026-11-23"]  # the midnight ticket stays on its business day
    assert list(report(scenario, "weekday")) == [1]
    assert report(scenario, "service", DAY + timedelta(days=1), DAY + timedelta(days=1)) == {}


def test_nearest_rank_percentiles():
    assert [kpis.nearest_rank(50, n) for n in (1, 2, 3, 4, 10)] == [1, 1, 2, 2, 5]
    assert [kpis.nearest_rank(90, n) for n in (1, 2, 3, 10, 11)] == [1, 2, 3, 9, 10]


@BOTH_DATABASES
def test_kpis_equal_an_independent_computation_from_the_ticket_export(hall):
    end = date(2026, 11, 1)
    assert seed(hall, 30, end=end) > 3000
    first, last = end - timedelta(days=30), end - timedelta(days=1)
    with hall.uow(write=False) as uow:
        exported = list(export.ticket_rows(uow.session, hall.hall_id, first, last))
    groups = defaultdict(list)
    for row in exported:
        groups[row["service"]].append(row)
    got = report(hall, "service", first, last)
    assert set(got) == set(groups)
    for service, rows in groups.items():
        waits = sorted(r["wait_s"] for r in rows if r["wait_s"] is not None)
        services = sorted(r["service_s"] for r in rows if r["service_s"] is not None)
        levels = [r["rating_level"] for r in rows if r["rating_level"] is not None]
        mine = got[service]
        assert mine["issued"] == len(rows)
        assert mine["served"] == sum(r["status"] == "finished" for r in rows)
        assert mine["no_show"] == sum(r["status"] == "no_show" for r in rows)
        assert mine["transferred"] == sum(r["status"] == "transferred" for r in rows)
        assert mine["wait_mean_s"] == pytest.approx(statistics.fmean(waits), abs=0.06)
        assert mine["wait_p50_s"] == pytest.approx(waits[kpis.nearest_rank(50, len(waits)) - 1], abs=0.06)
        assert mine["wait_p90_s"] == pytest.approx(waits[kpis.nearest_rank(90, len(waits)) - 1], abs=0.06)
        assert mine["service_p90_s"] == pytest.approx(services[kpis.nearest_rank(90, len(services)) - 1], abs=0.06)
        assert mine["sl_pct"] == pytest.approx(100 * sum(w <= 900 for w in waits) / len(waits), abs=0.06)
        assert mine["ratings"] == {str(n): levels.count(n) for n in range(1, 6)}


def test_the_report_api_answers_managers_in_json_csv_and_xlsx(api, clock):
    api["kiosk"].post("/tickets", json={"service": "SB"})
    api["kiosk"].post("/tickets", json={"service": "GJJ"})
    query = "from=2026-11-23&to=2026-11-23&by=service"
    assert api["staff1"].get(f"/reports/kpis?{query}").status_code == 403
    body = api["manager"].get(f"/reports/kpis?{query}").get_json()
    assert body["by"] == "service" and [r["key"] for r in body["rows"]] == ["GJJ", "SB"]
    response = api["manager"].get(f"/reports/kpis.csv?{query}")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["key"], r["issued"], r["ratings_1"]) for r in rows] == [("GJJ", "1", "0"), ("SB", "1", "0")]
    xlsx = api["manager"].get(f"/reports/kpis.xlsx?{query}")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.values)
    assert values[0][:3] == ("key", "issued", "served") and values[1][:2] == ("GJJ", 1)
    assert api["manager"].get("/reports/kpis?from=2026-11-23&to=2026-11-23&by=colour").status_code == 422


def test_the_staffing_plan_applies_erlang_c_to_each_interval_of_history(api, web, clock):
    from hallctl.reports.staffing import erlang_c, windows_needed

    hall = web[0]
    # two Mondays of history: 8 SB tickets between 09:00 and 09:30, each served in 6 minutes
    for monday in (date(2026, 11, 9), date(2026, 11, 16)):
        at(clock, 9, 0, day=monday)
        win.login(hall, W2)
        issued = []
        for i in range(8):
            at(clock, 9, 3 * i, day=monday)
            issued.append(issue_ticket(hall, IssueTicket("SB", enforce_hours=False)))
        for ticket in issued:
            win.call(hall, W2, ticket["id"])
            win.start(hall, W2)
            clock.advance(minutes=6)
            win.finish(hall, W2, Outcome.COMPLETED)
        win.logout(hall, W2)
    at(clock, 9, 10)  # today, Monday the 23rd: windows 1 and 2 open
    win.login(hall, W1)
    win.login(hall, W2)
    query = "from=2026-11-09&to=2026-11-22&weekday=1&share=0.8"
    assert api["staff1"].get(f"/reports/staffing?{query}").status_code == 403
    plan = api["manager"].get(f"/reports/staffing?{query}").get_json()
    [interval] = [i for i in plan["intervals"] if i["start"] == "09:00"]
    sb = interval["services"]["SB"]
    assert plan["days"] == 2 and sb["arrivals_per_hour"] == 16.0 and sb["service_min"] == 6.0
    # A = 16/h × 6 min = 1.6: two windows answer 73.8 % within 15 min, three 99.2 %
    assert erlang_c(16, 6, 2, 15).service_level == pytest.approx(0.738, abs=0.001)
    assert erlang_c(16, 6, 3, 15).service_level == pytest.approx(0.992, abs=0.001)
    assert sb["windows"] == windows_needed(16, 6, 15, 0.8) == 3
    assert interval["needed"] == 3 and interval["staffed"] == 2
    assert api["manager"].get("/reports/staffing?from=2026-11-09&to=2026-11-22&weekday=8").status_code == 422


def test_the_heatmap_counts_arrivals_per_weekday_and_hour_over_the_range(hall, clock):
    from hallctl.reports.heatmap import weekday_hour

    win.login(hall, W1)
    for day, hh, mm in ((DAY, 9, 0), (DAY, 9, 40), (DAY, 10, 5), (DAY + timedelta(days=7), 9, 30)):  # Mondays
        at(clock, hh, mm, day=day)
        issue_ticket(hall, IssueTicket("SB"))
    at(clock, 9, 50, day=DAY + timedelta(days=7))
    win.call(hall, W1)  # the 09:00 ticket of the first Monday, after 7 days and 50 minutes: a long wait
    with hall.uow(write=False) as uow:
        report = weekday_hour(uow.session, hall.hall_id, DAY, DAY + timedelta(days=13))
    assert report["days"] == dict.fromkeys(range(1, 8), 2)
    cells = {(c["weekday"], c["hour"]): c for c in report["cells"]}
    assert set(cells) == {(1, 9), (1, 10)}
    assert cells[(1, 9)]["issued"] == 3 and cells[(1, 9)]["arrivals_per_day"] == 1.5
    assert cells[(1, 10)]["arrivals_per_day"] == 0.5
    assert cells[(1, 9)]["wait_mean_s"] == (7 * 86400 + 50 * 60)  # only the called ticket has a wait


@BOTH_DATABASES
def test_reports_from_daily_roll_ups_equal_reports_from_the_tickets_for_every_grouping(hall, clock):
    from hallctl.reports import kpi_days, rollups

    end = date(2026, 11, 1)
    seed(hall, 30, end=end)
    at(clock, 9, 0, day=end)
    issue_ticket(hall, IssueTicket("SB"))  # still waiting: its day is not closed
    at(clock, 9, 0)
    first, last = end - timedelta(days=30), end
    live = {by: report(hall, by, first, last) for by in kpis.GROUPS}
    assert rollups.roll_up(hall) > 0
    with hall.uow(write=False) as uow:
        covered = kpi_days.load(uow.session, hall.hall_id, "service", first, last, TARGETS, {})
    assert end not in covered and len(covered) >= 20
    assert {by: report(hall, by, first, last) for by in kpis.GROUPS} == live
    assert rollups.roll_up(hall) == 0  # nothing left to do
    changed = {**TARGETS, "SB": 60}
    with hall.uow(write=False) as uow:  # another target: those days are read from the tickets again
        assert kpi_days.load(uow.session, hall.hall_id, "service", first, last, changed, {}) == []
