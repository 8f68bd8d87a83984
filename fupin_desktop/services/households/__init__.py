"""Use cases of the 户信息 tab: the register (filter, page, sort in SQL), the household dialog
(load, validate, save), import of the national export, exports, ledgers and 一户一档."""
