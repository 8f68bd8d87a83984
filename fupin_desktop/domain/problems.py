"""问题整改 status rules: which step may follow which, and what a problem counts as overdue."""

from __future__ import annotations

import datetime as dt

TODO, DOING, RESOLVED, CLOSED = "待整改", "整改中", "已整改待核验", "已销号"
STATUSES = (TODO, DOING, RESOLVED, CLOSED)
SOURCES = ("入户排查", "疑点检查", "上级反馈", "手工")
OPEN_STATUSES = (TODO, DOING)

# action -> (statuses it may start from, status it leads to, 中文 name)
ACTIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "start": ((TODO,), DOING, "开始整改"),
    "resolve": ((TODO, DOING), RESOLVED, "整改完成"),
    "close": ((RESOLVED,), CLOSED, "核验销号"),
    "reopen": ((RESOLVED, CLOSED), DOING, "退回重新整改"),
}
# an automatic step: the check run no longer finds it
AUTO_RESOLVE = "auto"
ACTION_NAMES = {**{k: v[2] for k, v in ACTIONS.items()}, "add": "登记问题",
                AUTO_RESOLVE: "复查未再发现", "assign": "调整责任人/时限", "update": "检查结果更新"}
NEEDS_NOTE = ("resolve", "close", "reopen")


def transition_error(action: str, status: str) -> str | None:
    """None if ``action`` may be applied to a problem in ``status``, else a Chinese reason."""
    starts, target, name = ACTIONS[action]
    if status in starts:
        return None
    return f"问题当前状态为“{status}”，不能“{name}”（只有“{'、'.join(starts)}”的问题可以）。"


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    return due is not None and status in OPEN_STATUSES and due < today
