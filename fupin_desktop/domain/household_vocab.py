"""The closed vocabularies of the household register: member statuses and relations to the head
(models/member.py stores them; importers check them)."""

MEMBER_STATUSES = ("正常", "死亡", "迁出", "失联", "服刑", "其他")
RELATIONS = (
    "户主", "配偶", "之子", "之女", "之儿媳", "之女婿", "之孙子", "之孙女", "之外孙子",
    "之外孙女", "之父", "之母", "之祖父", "之祖母", "之兄弟姐妹", "其他",
)
# (attribute, 中文) of the 13 assistance-measure categories, in the national order.
MEASURE_CATEGORIES = (
    ("industry", "产业帮扶"),
    ("employment", "就业帮扶"),
    ("public_post", "公益性岗位帮扶"),
    ("health", "健康帮扶"),
    ("education", "教育帮扶"),
    ("housing", "住房安全保障"),
    ("water", "饮水安全保障"),
    ("comprehensive", "综合保障"),
    ("finance", "金融帮扶"),
    ("social", "社会帮扶"),
    ("relocation", "易地搬迁"),
    ("living_conditions", "生产生活条件改善"),
    ("infrastructure", "基础设施建设"),
)
