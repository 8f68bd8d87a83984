"""The 医疗救助 tab: settlements, chronic-disease cards, signing, alerts, gaps, import/export."""
