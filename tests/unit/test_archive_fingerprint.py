"""The resume fingerprint of an item: the stamp's part is the text it always was (a changed text
would re-render every item of every existing package once)."""

import json
from dataclasses import asdict

from fupin_desktop.archive.package import _stamp_json
from fupin_desktop.archive.stamp import StampFields


def test_the_stamp_part_is_json_of_asdict():
    for st in (StampFields("Z012", 2025, 7, "贫困户类", "Y"),
               StampFields("Z012", 2025, 1234, "综合类", "D30", pages=12)):
        assert _stamp_json(st) == json.dumps(asdict(st), ensure_ascii=False)
