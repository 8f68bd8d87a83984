"""Use cases of the 公益性岗位 tab: posts and assignments, attendance (and its import), weekly
inspections, wage rules, monthly wages and the payroll that closes a month."""
