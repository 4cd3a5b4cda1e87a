"""Each rule of PRODUCT.md §3, on the pure routing function."""

from datetime import UTC, datetime, timedelta

from hallctl.domain.routing import Candidate, WorkProfile, choose, next_streak

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PROFILE = WorkProfile(
    window=1,
    service_weights={"SB": 1.0, "GJJ": 2.0},
    class_weights={"normal": 1.0, "green": 3.0},
    max_wait={"SB": timedelta(minutes=45), "GJJ": None},
)


def c(id, service="SB", priority="normal", age_min=10.0, issued_age_min=None, appointment_in_min=None):
    arrival = NOW - timedelta(minutes=age_min)
    issued = NOW - timedelta(minutes=issued_age_min if issued_age_min is not None else age_min)
    appointment = NOW + timedelta(minutes=appointment_in_min) if appointment_in_min is not None else None
    return Candidate(
        id=id, service=service, priority=priority, arrival_at=arrival, issued_at=issued, appointment_at=appointment
    )


def pick(heads=(), targeted=(), appointments=(), profile=PROFILE, streak=0):
    choice = choose(
        profile, NOW, targeted=list(targeted), heads=list(heads), appointments=list(appointments), streak=streak
    )
    return (choice.candidate.id, choice.rule) if choice else None


def test_nothing_waiting_gives_nothing():
    assert pick() is None


def test_a_ticket_sent_to_this_window_comes_first_even_when_younger():
    assert pick(heads=[c(1, age_min=40)], targeted=[c(2, age_min=1)]) == (2, "targeted")


def test_among_targeted_tickets_the_oldest_comes_first():
    assert pick(targeted=[c(5, age_min=3), c(4, age_min=9)]) == (4, "targeted")


def test_a_ticket_past_its_max_wait_guard_beats_a_higher_score():
    overdue = c(1, "SB", age_min=46)  # score 46*60
    heavy = c(2, "GJJ", priority="green", age_min=30)  # score 3*2*30*60, far higher
    assert pick(heads=[overdue, heavy]) == (1, "max_wait")


def test_the_guard_does_not_fire_at_exactly_the_limit():
    assert pick(heads=[c(1, "SB", age_min=45), c(2, "GJJ", age_min=40)]) == (2, "score")


def test_among_overdue_tickets_the_oldest_goes_first():
    assert pick(heads=[c(1, "SB", age_min=50), c(2, "SB", "green", age_min=60)]) == (2, "max_wait")


def test_a_due_appointment_beats_the_score_order():
    appointment = c(3, "SB", age_min=1, appointment_in_min=-2)
    assert pick(heads=[c(1, "GJJ", age_min=30), appointment], appointments=[appointment]) == (3, "appointment")


def test_an_appointment_whose_slot_has_not_come_waits_like_anyone():
    early = c(3, "SB", age_min=20, appointment_in_min=+10)
    assert pick(heads=[c(1, "SB", age_min=5), early], appointments=[early]) == (3, "score")


def test_due_appointments_go_by_slot_time():
    a = c(3, appointment_in_min=-1, age_min=30)
    b = c(4, appointment_in_min=-5, age_min=2)
    assert pick(appointments=[a, b], heads=[a]) == (4, "appointment")


def test_score_is_class_weight_times_service_weight_times_age():
    normal_sb = c(1, "SB", age_min=20)  # 1*1*20 = 20
    normal_gjj = c(2, "GJJ", age_min=11)  # 1*2*11 = 22
    assert pick(heads=[normal_sb, normal_gjj]) == (2, "score")
    green_sb = c(3, "SB", "green", age_min=8)  # 3*1*8 = 24
    assert pick(heads=[normal_sb, normal_gjj, green_sb]) == (3, "score")


def test_equal_scores_break_by_issue_time_then_id():
    same_arrival = {"age_min": 10}
    a = c(7, "SB", issued_age_min=12, **same_arrival)
    b = c(6, "SB", issued_age_min=11, **same_arrival)
    assert pick(heads=[b, a]) == (7, "score")
    d = c(9, "SB", issued_age_min=12, **same_arrival)
    assert pick(heads=[d, a]) == (7, "score")


def test_interleave_takes_a_normal_ticket_after_n_priority_calls():
    profile = WorkProfile(**{**PROFILE.__dict__, "interleave": 2})
    green = c(1, "SB", "green", age_min=10)
    normal = c(2, "SB", age_min=5)
    assert pick(heads=[green, normal], profile=profile, streak=0) == (1, "score")
    assert pick(heads=[green, normal], profile=profile, streak=1) == (1, "score")
    assert pick(heads=[green, normal], profile=profile, streak=2) == (2, "interleave")


def test_interleave_still_calls_priority_when_no_normal_ticket_waits():
    profile = WorkProfile(**{**PROFILE.__dict__, "interleave": 1})
    assert pick(heads=[c(1, "SB", "green")], profile=profile, streak=5) == (1, "score")


def test_the_streak_counts_priority_calls_and_resets_on_a_normal_one():
    assert next_streak(PROFILE, c(1, priority="green"), 1) == 2
    assert next_streak(PROFILE, c(1, priority="normal"), 3) == 0


def test_interleave_produces_two_green_then_one_normal():
    profile = WorkProfile(**{**PROFILE.__dict__, "interleave": 2})
    greens = [c(i, "SB", "green", age_min=10 - i * 0.1) for i in range(1, 6)]
    normals = [c(i, "SB", age_min=30 - i) for i in range(10, 15)]
    order, streak = [], 0
    for _ in range(6):
        heads = [min(greens, key=lambda x: x.order), min(normals, key=lambda x: x.order)]
        chosen, _rule = pick(heads=heads, profile=profile, streak=streak)
        picked = next(x for x in greens + normals if x.id == chosen)
        (greens if picked in greens else normals).remove(picked)
        order.append(picked.priority)
        streak = next_streak(profile, picked, streak)
    assert order == ["green", "green", "normal", "green", "green", "normal"]
