"""The 档案 tab: year plan, build and verify actions, registered items, archive settings."""
