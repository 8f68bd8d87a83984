"""Pure rules (no I/O, no database): see DESIGN.md §1."""
