"""What the windows' RS-485 devices show: the LED's pause text, the caller keypad's screen, the evaluator's lines.

These screens show GB2312 text, so the words are Chinese (the keypad's log-in prompt adds English for staff who
read it). A keypad's pause is recorded with the reason code :data:`KEYPAD_PAUSE`, named in ``PAUSE_REASON``.
"""

from __future__ import annotations

from hallctl.domain.window import WindowState

from .states import WINDOW_STATE

LED_PAUSED = WINDOW_STATE[WindowState.PAUSED].zh
"""A paused window's LED."""
CALLER_LOG_IN_FIRST = "请先登录 Log in first"
"""A caller keypad's screen while nobody staffs its window."""
CALLER_STATUS = "当前{current} 等候{waiting}"
"""A caller keypad's screen: the window's current number and how many wait for it."""
EVALUATOR_STAFF = "工号 {staff}"
"""An evaluator inviting a rating: whose service it rates."""
EVALUATOR_THANKS = "谢谢您的评价"
"""An evaluator after a rating."""
KEYPAD_PAUSE = "keypad"
"""The pause reason recorded when staff pause at the caller keypad."""
