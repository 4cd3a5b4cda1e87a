"""A short busy day across every device with faults injected (the long form: bench/soak.py)."""

from bench.soak import soak


def test_a_compressed_busy_day_with_faults_loses_no_ticket_print_rating_or_announcement(tmp_path):
    result = soak(tmp_path, tickets=80, seconds=25)  # soak() asserts every ticket, print, rating, announcement
    assert result["served"] == result["tickets"] == result["announcements"] == 80
    assert result["print_failed"] > 0 and result["printed"] > 0  # the paper ran out for a while, then came back
    assert result["rated"] > 40
    assert result["rss_mb"]["end"] - result["rss_mb"]["¼"] < 40
