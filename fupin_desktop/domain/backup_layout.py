"""The 各年度收入 sheet of our own backup (`fupin export households`): its name and columns,
shared by the writer (exporters/households.py) and the reader (importers/backup_incomes.py)."""

SHEET_NAME = "各年度收入"
# header -> HouseholdIncome column (persons, the components and the declared per-capita)
COLUMNS = {
    "收入计算人口数": "persons",
    "工资性收入(元)": "wage_income",
    "生产经营性收入(元)": "business_income",
    "财产性收入(元)": "property_income",
    "转移性收入(元)": "transfer_income",
    "生产经营性支出(元)": "business_expense",
    "合规自付支出(元)": "compliant_self_paid",
    "申报人均纯收入(元)": "declared_per_capita",
}
