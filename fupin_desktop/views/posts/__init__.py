"""The 公益性岗位 tab: posts, people, attendance grid, inspections, wages, import and outputs."""
