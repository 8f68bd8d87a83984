"""File-format primitives that reports, exporters and the archive all write with: the one CJK
font registration (so every PDF embeds the same font once) and the Excel table writer. A layer
of its own below those three, so that they need not import each other."""
