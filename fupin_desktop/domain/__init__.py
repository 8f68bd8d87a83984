"""Pure domain rules (no ORM, no Qt)."""
