"""The limits of the import guard (importers/guard.py): defaults that fit a county, each
overridable by an environment variable, with the Chinese names its messages use."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Import limits. Each can be set by an environment variable ``FUPIN_IMPORT_<NAME>``
    (e.g. ``FUPIN_IMPORT_MAX_ROWS=300000``); see :func:`limits_from_env`."""

    max_rows: int = 200_000  # last row holding a value, per sheet
    max_columns: int = 200  # last column holding a value, per sheet (GR)
    # uncompressed bytes, all members together and any one member. Why 1 GiB and not less:
    # a real 150,000-member export is 436 MB of sheet XML (inline strings) or ~290 MB (shared
    # strings); the memory danger of a whitespace/giant-text bomb is bounded separately by
    # max_text_run, whatever the total
    max_uncompressed: int = 1024 * MB
    max_member: int = 1024 * MB
    max_ratio: int = 100  # uncompressed / compressed, for members over ratio_min_size
    ratio_min_size: int = 1 * MB
    max_members: int = 10_000  # files in the zip
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_shared_strings: int = 2_000_000
    max_text_run: int = 4 * MB  # bytes of text (or whitespace) between two tags
    max_file_size: int = 1024 * MB  # the file itself (also .xls)


LIMIT_LABELS = {
    "max_rows": "行数", "max_columns": "列数", "max_uncompressed": "解压后总大小",
    "max_member": "单个部件解压后大小", "max_ratio": "压缩比", "max_members": "压缩包内文件数",
    "max_cell_chars": "单元格字数", "max_shared_strings": "共享字符串个数",
    "max_text_run": "连续文本长度", "max_file_size": "文件大小",
}

DEFAULT_LIMITS = Limits()


def limits_from_env(env: dict | None = None) -> Limits:
    env = os.environ if env is None else env
    changes = {}
    for f in dataclasses.fields(Limits):
        raw = env.get("FUPIN_IMPORT_" + f.name.upper())
        if raw:
            try:
                changes[f.name] = int(raw)
            except ValueError:
                pass  # a typo in a setting must not stop every import; the default applies
    return dataclasses.replace(DEFAULT_LIMITS, **changes)
