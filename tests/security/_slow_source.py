"""A picklable, slow PDF source for the worker-death test (imported by spawned workers)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def slow_pdf(mark_dir: str, seconds: float) -> bytes:
    Path(mark_dir, str(os.getpid())).touch()  # "this worker is busy rendering"
    time.sleep(seconds)
    from fupin_desktop.archive.demo import render_demo_pdf

    return render_demo_pdf("slow", 1)
