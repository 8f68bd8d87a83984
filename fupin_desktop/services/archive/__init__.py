"""Use cases of the 档案 tab: the year's plan, building, verifying and closing the archive package,
registered items and the paper documents (DA/T 22-2015)."""
