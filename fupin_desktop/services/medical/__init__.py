"""Use cases of the 医疗救助 tab: settlements and their import, chronic-disease cards,
family-doctor signing, self-pay alerts, ledgers and exports."""
