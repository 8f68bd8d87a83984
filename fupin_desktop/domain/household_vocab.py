"""The closed vocabularies of the household register: member statuses and relations to the head
(models/member.py stores them; importers check them)."""

MEMBER_STATUSES = ("正常", "死亡", "迁出", "失联", "服刑", "其他")
RELATIONS = (
    "户主", "配偶", "之子", "之女", "之儿媳", "之女婿", "之孙子", "之孙女", "之外孙子",
    "之外孙女", "之父", "之母", "之祖父", "之祖母", "之兄弟姐妹", "其他",
)
