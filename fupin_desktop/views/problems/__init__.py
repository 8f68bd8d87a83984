"""The 整改 tab and the 入户排查 survey dialog."""
