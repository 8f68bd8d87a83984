"""The closed vocabularies of the posts ledgers: post types (岗位类型), assignment statuses,
inspection flags (红旗 / 黄旗) and grades. models/posts.py stores them; importers check them."""

POST_TYPES = ("保洁员", "护林员", "护路员", "治安巡逻员", "水管员", "孝老助残", "公共设施管护", "其他")
ASSIGNMENT_STATUSES = ("在岗", "离岗", "撤销")
FLAGS = ("红旗", "黄旗")
GRADES = ("优秀", "合格", "不合格")
