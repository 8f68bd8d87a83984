"""DA/T 22-2015 terms every layer that prints archive documents shares: the 保管期限 codes and
names, and where the 归档章 sits on a page (ledgers leave that corner free). Pure data."""

from __future__ import annotations

from collections.abc import Mapping

#: 保管期限 codes of DA/T 22-2015 in their default order (永久, 定期30年, 定期10年).
RETENTION_ORDER: tuple[str, ...] = ("Y", "D30", "D10")
#: Full names, for catalogues and the 说明文件.
RETENTION_NAMES: Mapping[str, str] = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}
#: The 简称 DA/T 22-2015 allows on the 归档章 (a 15 mm cell has no room for 定期30年).
RETENTION_LABELS: Mapping[str, str] = {"Y": "永久", "D30": "30年", "D10": "10年"}

# the 归档章: its size and its place in the blank top right area of the first page
STAMP_W_MM = 45.0
STAMP_H_MM = 16.0
TOP_MM = 10.0  # from the top edge of the page
RIGHT_MM = 10.0  # from the right edge of the page
