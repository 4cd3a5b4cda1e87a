"""The printed ticket's fixed words in zh and en (the service and lane names come from the config)."""

from __future__ import annotations

from collections.abc import Mapping

from hallctl.domain.printed import TicketWords

TICKET_WORDS: Mapping[str, TicketWords] = {
    "zh": TicketWords(
        heading="{name}",
        ahead="您前面还有 {n} 人",
        wait="预计等候 {lo}-{hi} 分钟",
        scan="扫码查看排队进度",
        issued="取号时间 {at}",
    ),
    "en": TicketWords(
        heading="Service hall",
        ahead="{n} ahead of you",
        wait="Estimated wait {lo}-{hi} min",
        scan="Scan to follow your turn",
        issued="Issued {at}",
    ),
}
"""The words by language; a printer with a Chinese encoding prints ``zh``, any other ``en``."""
