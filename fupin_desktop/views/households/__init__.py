"""The 户信息 tab: the register, the household dialog and its lists, import, printing."""
