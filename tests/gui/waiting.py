"""Waiting for a list that loads off the GUI thread (instead of sleeping)."""

from __future__ import annotations


def wait_loaded(qtbot, loading, timeout: int = 10_000) -> None:
    """Until ``loading`` (a BackgroundTableModel, a ListLoader, or a page or tab holding one as
    ``loader`` / ``model``) has shown its newest result; any page on its way included."""
    # a page's loader first: an attendance grid model's `pending` holds its unsaved marks
    for attr in ("loader", "model"):
        inner = getattr(loading, attr, None)
        if inner is not None and hasattr(inner, "pending"):
            loading = inner
            break
    if not hasattr(loading, "pending"):
        return  # it loads on the GUI thread: nothing to wait for
    qtbot.waitUntil(lambda: not loading.pending, timeout=timeout)
