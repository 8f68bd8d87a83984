"""Pure rules (no I/O, no database): functions of plain values."""
