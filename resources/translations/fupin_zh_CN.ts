<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Version %1 (database schema %2)</source>
        <translation>版本 %1（数据库结构版本 %2）</translation>
    </message>
    <message>
        <source>Ledgers, public-welfare posts, medical relief and year-end archives for township rural-revitalisation offices.</source>
        <translation>乡镇乡村振兴办公室的台账、公益性岗位、医疗救助与年度归档管理。</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <source>Database size:</source>
        <translation>数据库大小：</translation>
    </message>
    <message>
        <source>(server)</source>
        <translation>（服务器）</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <source>Backup folder:</source>
        <translation>备份文件夹：</translation>
    </message>
    <message>
        <source>(server database: backed up by the administrator with pg_dump)</source>
        <translation>（服务器数据库：由管理员用 pg_dump 备份）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Licences of the bundled components:</source>
        <translation>随附组件的许可证：</translation>
    </message>
</context>
<context>
    <name>AccountUI</name>
    <message>
        <source>&amp;Account</source>
        <translation>账户(&amp;A)</translation>
    </message>
    <message>
        <source>Switch User…</source>
        <translation>切换用户…</translation>
    </message>
    <message>
        <source>Lock Now</source>
        <translation>立即锁定</translation>
    </message>
    <message>
        <source>Log Out</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>Change My Password…</source>
        <translation>修改我的密码…</translation>
    </message>
    <message>
        <source>User Management…</source>
        <translation>用户管理…</translation>
    </message>
    <message>
        <source>Audit Log…</source>
        <translation>审计日志…</translation>
    </message>
    <message>
        <source>Current user: %1 · Role: %2</source>
        <translation>当前用户：%1 · 角色：%2</translation>
    </message>
    <message>
        <source>Login not enabled</source>
        <translation>未启用登录</translation>
    </message>
    <message>
        <source>Change My Password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>New password (at least 8 characters)</source>
        <translation>新密码（至少 8 个字符）</translation>
    </message>
    <message>
        <source>Enter the new password again</source>
        <translation>再输入一次新密码</translation>
    </message>
    <message>
        <source>The two passwords differ; nothing was changed.</source>
        <translation>两次输入的密码不一致，未作修改。</translation>
    </message>
    <message>
        <source>Password changed.</source>
        <translation>密码已修改。</translation>
    </message>
</context>
<context>
    <name>Accounts</name>
    <message>
        <source>Show Full Numbers</source>
        <translation>显示完整号码</translation>
    </message>
</context>
<context>
    <name>ActionDialog</name>
    <message>
        <source>Start Rectification</source>
        <translation>开始整改</translation>
    </message>
    <message>
        <source>Verify and Close</source>
        <translation>核验销号</translation>
    </message>
    <message>
        <source>Send Back</source>
        <translation>退回重新整改</translation>
    </message>
    <message>
        <source>Selected problems: %1</source>
        <translation>已选 %1 个问题</translation>
    </message>
    <message>
        <source>What was done / the verification result</source>
        <translation>整改情况 / 核验意见</translation>
    </message>
    <message>
        <source>Mark as Rectified</source>
        <translation>整改完成</translation>
    </message>
    <message>
        <source>Step Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Add Evidence…</source>
        <translation>添加佐证材料…</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>佐证材料</translation>
    </message>
    <message>
        <source>Name of the person who verified it</source>
        <translation>核验人姓名</translation>
    </message>
    <message>
        <source>Confirmer</source>
        <translation>核验人</translation>
    </message>
    <message>
        <source>Add Evidence</source>
        <translation>添加佐证材料</translation>
    </message>
    <message>
        <source>Scans and photos (*.pdf *.jpg *.jpeg *.png)</source>
        <translation>扫描件和照片 (*.pdf *.jpg *.jpeg *.png)</translation>
    </message>
</context>
<context>
    <name>AlertsPage</name>
    <message>
        <source> (year)</source>
        <translation> 年度</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Household head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Household type</source>
        <translation>户类型</translation>
    </message>
    <message>
        <source>Monitoring category</source>
        <translation>监测对象类别</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Settlement count</source>
        <translation>结算人次</translation>
    </message>
    <message>
        <source>Inpatient</source>
        <translation>住院</translation>
    </message>
    <message>
        <source>Paid by family</source>
        <translation>个人自付合计</translation>
    </message>
    <message>
        <source>Net income</source>
        <translation>纯收入</translation>
    </message>
    <message>
        <source>Share of income</source>
        <translation>占纯收入比例</translation>
    </message>
    <message>
        <source>Health measures</source>
        <translation>健康帮扶措施</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>预警原因</translation>
    </message>
    <message>
        <source>No health measure recorded and not monitored for illness yet</source>
        <translation>尚未落实健康帮扶措施，也未按因病纳入监测</translation>
    </message>
    <message>
        <source>Record Health Measure…</source>
        <translation>记录健康帮扶措施…</translation>
    </message>
    <message>
        <source>Monitor (Illness)…</source>
        <translation>纳入监测（因病）…</translation>
    </message>
    <message>
        <source>Open Household…</source>
        <translation>打开户信息…</translation>
    </message>
    <message>
        <source>Show Settlements</source>
        <translation>查看结算记录</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>Computing alerts…</source>
        <translation>正在计算预警名单…</translation>
    </message>
    <message>
        <source>Alert when the family paid %1 yuan or more, or %2 or more of its net income</source>
        <translation>预警标准：个人自付合计 ≥ %1 元，或占家庭纯收入 ≥ %2</translation>
    </message>
    <message>
        <source>%1 households, %2 without action</source>
        <translation>共 %1 户，其中 %2 户尚未处置</translation>
    </message>
    <message>
        <source>No household passes the alert thresholds.</source>
        <translation>没有达到预警标准的户。</translation>
    </message>
    <message>
        <source>Monitored as %1, risks: %2</source>
        <translation>已纳入监测（%1），风险：%2</translation>
    </message>
    <message>
        <source>Not monitored</source>
        <translation>非监测对象</translation>
    </message>
    <message>
        <source>Household %1 (%2, head %3): %4 settlements, %5 inpatient; %6; %7 health measures this year.</source>
        <translation>户 %1（%2，户主 %3）：本年结算 %4 笔，其中住院 %5 笔；%6；本年健康帮扶措施 %7 条。</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>措施内容</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Medical assistance follow-up for large out-of-pocket costs</source>
        <translation>医疗自付费用较高，落实医疗救助及健康帮扶</translation>
    </message>
    <message>
        <source>Health Measure for Household %1</source>
        <translation>户 %1 的健康帮扶措施</translation>
    </message>
    <message>
        <source>Monitor (Illness)</source>
        <translation>纳入监测（因病）</translation>
    </message>
    <message>
        <source>Put household %1 under monitoring with risk 因病.
Monitoring category:</source>
        <translation>将户 %1 纳入监测，风险类型“因病”。
监测对象类别：</translation>
    </message>
    <message>
        <source>Household %1 is already monitored as %2. Add the risk 因病?</source>
        <translation>户 %1 已是监测对象（%2）。是否增加风险类型“因病”？</translation>
    </message>
</context>
<context>
    <name>ArchiveSettingsDialog</name>
    <message>
        <source>Archive Settings</source>
        <translation>档案设置</translation>
    </message>
    <message>
        <source>Given by the archives bureau, e.g. Z012</source>
        <translation>由档案馆给定，例如 Z012</translation>
    </message>
    <message>
        <source>Fonds number</source>
        <translation>全宗号</translation>
    </message>
    <message>
        <source>Fonds name</source>
        <translation>全宗名称</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Move Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Categories (in filing order; the code is part of the archival code)</source>
        <translation>类别（按排列顺序；代码是档号的一部分）</translation>
    </message>
    <message>
        <source>Kind of item</source>
        <translation>文件种类</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>保管期限</translation>
    </message>
    <message>
        <source>Category and retention of each kind of item</source>
        <translation>各种文件的类别和保管期限</translation>
    </message>
    <message>
        <source> pages</source>
        <translation> 页</translation>
    </message>
    <message>
        <source>Box thickness</source>
        <translation>档案盒厚度</translation>
    </message>
    <message>
        <source>Box capacity</source>
        <translation>每盒容量</translation>
    </message>
    <message>
        <source>Arranged by (default)</source>
        <translation>整理人（默认）</translation>
    </message>
    <message>
        <source>Checked by (default)</source>
        <translation>检查人（默认）</translation>
    </message>
    <message>
        <source>New category</source>
        <translation>新类别</translation>
    </message>
</context>
<context>
    <name>ArchiveTab</name>
    <message>
        <source>Add Files to the Archive</source>
        <translation>添加归档文件</translation>
    </message>
    <message>
        <source>Scans and documents (*.pdf *.jpg *.jpeg *.png *.tif *.tiff)</source>
        <translation>扫描件和文档 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff)</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Only registered files can be edited here; ledgers and household files come from the data.</source>
        <translation>这里只能修改登记的文件；台账和一户一档由数据生成，请在相应标签页修改数据。</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Select registered files to remove; ledgers and household files come from the data.</source>
        <translation>请选择要移除的登记文件；台账和一户一档由数据生成，不能在此移除。</translation>
    </message>
    <message>
        <source>Remove these files from the year?
%1</source>
        <translation>从本年度档案中移除这些文件？
%1</translation>
    </message>
    <message>
        <source>Preparing preview…</source>
        <translation>正在准备预览…</translation>
    </message>
    <message>
        <source>Archive Package Built</source>
        <translation>归档数据包已生成</translation>
    </message>
    <message>
        <source>Building the archive package…</source>
        <translation>正在生成归档数据包…</translation>
    </message>
    <message>
        <source>Choose the Package Folder to Check</source>
        <translation>选择要检测的数据包文件夹</translation>
    </message>
    <message>
        <source>Package Check Passed</source>
        <translation>检测通过</translation>
    </message>
    <message>
        <source>Package Check Failed</source>
        <translation>检测未通过</translation>
    </message>
    <message>
        <source>Checking the package…</source>
        <translation>正在检测数据包…</translation>
    </message>
    <message>
        <source>Open Output Folder</source>
        <translation>打开输出文件夹</translation>
    </message>
    <message>
        <source>No package has been built for this year yet.</source>
        <translation>本年度还没有生成归档数据包。</translation>
    </message>
    <message>
        <source>Making the paper documents…</source>
        <translation>正在生成纸质文件…</translation>
    </message>
    <message>
        <source>Close year %1?

Item numbers (件号) and box numbers become fixed, as printed on the catalogue and the spine labels. Files added later are numbered after the last item of their category. Build the package first so that every page count is known.</source>
        <translation>关闭 %1 年度？

关闭后件号和盒号固定，与打印的归档文件目录和盒脊一致；以后加入的文件在其类别末尾续编。关闭前请先生成归档数据包，以确定每件的页数。</translation>
    </message>
    <message>
        <source>Close Year</source>
        <translation>关闭年度</translation>
    </message>
    <message>
        <source>Closing the year…</source>
        <translation>正在关闭年度…</translation>
    </message>
    <message>
        <source>Archives</source>
        <translation>档案</translation>
    </message>
    <message>
        <source>Add Files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Register scanned documents (PDF, JPG, PNG) in this year</source>
        <translation>把扫描件等文件（PDF、JPG、PNG）登记到本年度档案</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Show the item as it will be archived, with its stamp</source>
        <translation>按归档后的样子（含归档章）显示该文件</translation>
    </message>
    <message>
        <source>Build Package…</source>
        <translation>生成数据包…</translation>
    </message>
    <message>
        <source>Make the year's electronic archive package</source>
        <translation>生成本年度电子档案数据包</translation>
    </message>
    <message>
        <source>Check Package…</source>
        <translation>检测数据包…</translation>
    </message>
    <message>
        <source>Print Documents…</source>
        <translation>打印纸质文件…</translation>
    </message>
    <message>
        <source>Catalogue, spine labels, box covers, note sheets, statistics</source>
        <translation>归档文件目录、盒脊、档案盒封面、备考表、归档范围统计表</translation>
    </message>
    <message>
        <source>Close Year…</source>
        <translation>关闭年度…</translation>
    </message>
    <message>
        <source>Fix the item and box numbers of this year</source>
        <translation>固定本年度的件号和盒号</translation>
    </message>
    <message>
        <source>Arrangement Details…</source>
        <translation>整理信息…</translation>
    </message>
    <message>
        <source>Archive Settings…</source>
        <translation>档案设置…</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>%1 mm boxes</source>
        <translation>%1 mm 档案盒</translation>
    </message>
    <message>
        <source>Box thickness: how many pages go into one box</source>
        <translation>档案盒厚度：决定每盒装多少页</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>保管期限</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>页数</translation>
    </message>
    <message>
        <source>Boxes</source>
        <translation>盒数</translation>
    </message>
    <message>
        <source>Archival code</source>
        <translation>档号</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>题名</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Kind of item</source>
        <translation>文件种类</translation>
    </message>
    <message>
        <source>Responsible body</source>
        <translation>责任者</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>文号</translation>
    </message>
    <message>
        <source>Security level</source>
        <translation>密级</translation>
    </message>
    <message>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Registered file (added by hand)</source>
        <translation>登记的文件（手工加入）</translation>
    </message>
    <message>
        <source>Search title or archival code (Ctrl+F)</source>
        <translation>搜索题名或档号（Ctrl+F）</translation>
    </message>
    <message>
        <source>Reading the year's items…</source>
        <translation>正在读取本年度文件…</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Year %1 (closed on %2: numbers are fixed)</source>
        <translation>%1 年度（已于 %2 关闭，件号固定）</translation>
    </message>
    <message>
        <source>Year %1 (open: numbers are provisional)</source>
        <translation>%1 年度（未关闭，件号为暂定）</translation>
    </message>
    <message>
        <source>%1 items, %2 pages</source>
        <translation>共 %1 件 %2 页</translation>
    </message>
    <message>
        <source>%1 items without a page count yet (known after building)</source>
        <translation>%1 件页数未知（生成数据包后确定）</translation>
    </message>
    <message>
        <source>archiving date %1</source>
        <translation>归档日期 %1</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <source>Assign Post</source>
        <translation>安排上岗</translation>
    </message>
    <message>
        <source>Assignment: %1</source>
        <translation>上岗记录：%1</translation>
    </message>
    <message>
        <source>Post</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Start date</source>
        <translation>上岗日期</translation>
    </message>
    <message>
        <source>End date (empty: still in post)</source>
        <translation>离岗日期（空表示仍在岗）</translation>
    </message>
    <message>
        <source>Agreement number</source>
        <translation>协议编号</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>开户银行</translation>
    </message>
    <message>
        <source>Bank account</source>
        <translation>银行账号</translation>
    </message>
    <message>
        <source>Worker: %1　%2　household %3</source>
        <translation>人员：%1　%2　户编号 %3</translation>
    </message>
    <message>
        <source>Exception: %1 — %2</source>
        <translation>资格例外：%1 — %2</translation>
    </message>
    <message>
        <source>Worker: type a name, ID number or household code</source>
        <translation>上岗人员：输入姓名、身份证号或户编号</translation>
    </message>
    <message>
        <source>Only the post's village</source>
        <translation>只看岗位所在村</translation>
    </message>
    <message>
        <source>Only eligible members</source>
        <translation>只看符合条件的</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>Labour ability</source>
        <translation>劳动技能</translation>
    </message>
    <message>
        <source>Eligible</source>
        <translation>符合条件</translation>
    </message>
    <message>
        <source>Conditions not met</source>
        <translation>不符合的条件</translation>
    </message>
    <message>
        <source>No worker chosen yet</source>
        <translation>尚未选择上岗人员</translation>
    </message>
    <message>
        <source>Chosen: %1 (%2), meets every condition</source>
        <translation>已选：%1（%2），符合全部上岗条件</translation>
    </message>
    <message>
        <source>Chosen: %1 (%2) — not met: %3</source>
        <translation>已选：%1（%2）— 不符合：%3</translation>
    </message>
    <message>
        <source>Choose the post</source>
        <translation>请选择岗位</translation>
    </message>
    <message>
        <source>Enter the start date</source>
        <translation>请填写上岗日期</translation>
    </message>
    <message>
        <source>Choose the worker from the list first.</source>
        <translation>请先在列表中选择上岗人员。</translation>
    </message>
    <message>
        <source>Discard your changes and close?</source>
        <translation>放弃所做的修改并关闭吗？</translation>
    </message>
</context>
<context>
    <name>AttendanceImportPreview</name>
    <message>
        <source>Check Attendance Changes</source>
        <translation>核对考勤变动</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>文件：%1</translation>
    </message>
    <message>
        <source>Month: %1</source>
        <translation>月份：%1</translation>
    </message>
    <message>
        <source>Importing changes the attendance of %1 workers: %2 days added, %3 days changed. %4 rows cannot be imported (listed after the import).</source>
        <translation>导入将变动 %1 人的考勤：新增 %2 天，修改 %3 天。有 %4 行不能导入（导入后列出）。</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Days added</source>
        <translation>新增天数</translation>
    </message>
    <message>
        <source>Days changed</source>
        <translation>修改天数</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
</context>
<context>
    <name>AttendanceModel</name>
    <message>
        <source>Post</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>出勤</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>请假</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>旷工</translation>
    </message>
    <message>
        <source>not in post that day</source>
        <translation>当日不在岗</translation>
    </message>
</context>
<context>
    <name>AttendancePage</name>
    <message>
        <source>Loading attendance…</source>
        <translation>正在加载考勤…</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>Search name, ID number or post (Ctrl+F)</source>
        <translation>搜索姓名、身份证号或岗位（Ctrl+F）</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>√ Present (1)</source>
        <translation>√ 出勤 (1)</translation>
    </message>
    <message>
        <source>事 Personal leave (2)</source>
        <translation>事 事假 (2)</translation>
    </message>
    <message>
        <source>病 Sick leave (3)</source>
        <translation>病 病假 (3)</translation>
    </message>
    <message>
        <source>× Absent (4)</source>
        <translation>× 旷工 (4)</translation>
    </message>
    <message>
        <source>Clear (Del)</source>
        <translation>清除 (Del)</translation>
    </message>
    <message>
        <source>Fill…</source>
        <translation>填充…</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存（Ctrl+S）</translation>
    </message>
    <message>
        <source>Print Sign-in Sheet…</source>
        <translation>打印签到考勤表…</translation>
    </message>
    <message>
        <source>Loading the attendance of %1… marks can be entered once it is shown</source>
        <translation>正在加载%1的考勤…（显示后才能标记）</translation>
    </message>
    <message>
        <source>%1 is closed (payroll printed). Changing its attendance needs a written reason; the difference is paid or recovered in the next open month.</source>
        <translation>%1已关账（工资花名册已打印）。修改考勤须填写原因，差额在下一个未关账月份补发或扣回。</translation>
    </message>
    <message>
        <source>%1 workers · present %2 days · leave %3 days · absent %4 days</source>
        <translation>共 %1 人 · 出勤 %2 人天 · 请假 %3 人天 · 旷工 %4 人天</translation>
    </message>
    <message>
        <source>(%1 marks not saved yet)</source>
        <translation>（%1 格尚未保存）</translation>
    </message>
    <message>
        <source>Change a Closed Month</source>
        <translation>修改已关账月份的考勤</translation>
    </message>
    <message>
        <source>%1 is closed: its payroll was printed and signed.
Each change is recorded as a correction and the difference is paid or recovered with the next open month's wages.

Why is the attendance changed?</source>
        <translation>%1已关账：工资发放花名册已打印签字。
每项修改都记为一条更正，差额随下一个未关账月份的补贴补发或扣回。

请填写修改考勤的原因：</translation>
    </message>
    <message>
        <source>Those days are outside the worker's time in post and cannot be marked.</source>
        <translation>所选日期不在该人员上岗期间，不能记考勤。</translation>
    </message>
    <message>
        <source>Nothing to save</source>
        <translation>没有需要保存的修改</translation>
    </message>
    <message>
        <source>Attendance not saved</source>
        <translation>考勤未保存</translation>
    </message>
    <message>
        <source>%1 corrections recorded (%2 yuan), paid with the wages of %3.</source>
        <translation>已记录 %1 条更正（%2 元），计入%3补贴。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>%1 workers filled.</source>
        <translation>已填充 %1 人。</translation>
    </message>
</context>
<context>
    <name>AuditLogDialog</name>
    <message>
        <source>Audit Log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Record (household code, id …)</source>
        <translation>记录（户编号、编号…）</translation>
    </message>
    <message>
        <source>Any date</source>
        <translation>不限日期</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Record type</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Double-click a household entry to open the household.</source>
        <translation>双击“户”的记录可打开该户。</translation>
    </message>
    <message>
        <source>Export Audit Log</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <source>No data</source>
        <translation>暂无数据</translation>
    </message>
</context>
<context>
    <name>BuildDialog</name>
    <message>
        <source>Build Archive Package</source>
        <translation>生成归档数据包</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Also write a disc image (ISO) for burning</source>
        <translation>同时生成用于刻录光盘的镜像文件（ISO）</translation>
    </message>
    <message>
        <source>An unfinished or earlier package in this folder is continued: unchanged files are not made again.</source>
        <translation>如该文件夹中已有未完成或以前生成的数据包，将继续生成：未改动的文件不会重新生成。</translation>
    </message>
    <message>
        <source>Package folder</source>
        <translation>数据包文件夹</translation>
    </message>
    <message>
        <source>Choose Package Folder</source>
        <translation>选择数据包文件夹</translation>
    </message>
</context>
<context>
    <name>ChecksTab</name>
    <message>
        <source>Data Check</source>
        <translation>数据检查</translation>
    </message>
    <message>
        <source>Check date</source>
        <translation>检查日期</translation>
    </message>
    <message>
        <source>Run Check</source>
        <translation>运行检查</translation>
    </message>
    <message>
        <source>Export Report…</source>
        <translation>导出报告…</translation>
    </message>
    <message>
        <source>Exempt Finding…</source>
        <translation>豁免疑点…</translation>
    </message>
    <message>
        <source>Verified and correct: count this finding apart</source>
        <translation>经核实无误：该疑点单独计数，不再算作待整改</translation>
    </message>
    <message>
        <source>Open Household</source>
        <translation>打开该户</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>性质</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>疑点数</translation>
    </message>
    <message>
        <source>Exempted</source>
        <translation>已豁免</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Household No.</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>疑点说明</translation>
    </message>
    <message>
        <source>Checking data</source>
        <translation>正在检查数据</translation>
    </message>
    <message>
        <source>%1 households, %2 findings, %3 exempted</source>
        <translation>共 %1 户，疑点 %2 条，已豁免 %3 条</translation>
    </message>
    <message>
        <source> (exempted)</source>
        <translation>（已豁免）</translation>
    </message>
    <message>
        <source>Why is this correct? (verified on site, documents seen …)</source>
        <translation>核实无误的理由（如已入户核实、已查看证明材料等）：</translation>
    </message>
</context>
<context>
    <name>ChronicPage</name>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Review due within %1 days</source>
        <translation>%1 天内到期复审</translation>
    </message>
    <message>
        <source>Search name, ID number, card number (Ctrl+F)</source>
        <translation>搜索姓名、证件号码、卡号（Ctrl+F）</translation>
    </message>
    <message>
        <source>Disease List…</source>
        <translation>病种维护…</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Disease</source>
        <translation>病种</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Card number</source>
        <translation>卡号</translation>
    </message>
    <message>
        <source>Approved on</source>
        <translation>认定日期</translation>
    </message>
    <message>
        <source>Review due</source>
        <translation>复审日期</translation>
    </message>
    <message>
        <source>Family doctor</source>
        <translation>家庭医生</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>No family-doctor signing</source>
        <translation>未签约家庭医生</translation>
    </message>
    <message>
        <source>%1 cards, %2 without a family doctor</source>
        <translation>共 %1 张卡，%2 张未签约家庭医生</translation>
    </message>
    <message>
        <source> (no longer used)</source>
        <translation>（已停用）</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>New Chronic Disease Card</source>
        <translation>新增慢性病卡</translation>
    </message>
    <message>
        <source>Chronic Disease Card of %1</source>
        <translation>%1 的慢性病卡</translation>
    </message>
    <message>
        <source>Delete Card</source>
        <translation>删除慢性病卡</translation>
    </message>
</context>
<context>
    <name>CorrectionDialog</name>
    <message>
        <source>Correction</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>The reason is recorded with your name in the audit log.</source>
        <translation>更正原因将连同您的用户名记入审计日志。</translation>
    </message>
    <message>
        <source>Reason for the correction (required)</source>
        <translation>更正原因（必填）</translation>
    </message>
    <message>
        <source>Save as Correction</source>
        <translation>作为更正保存</translation>
    </message>
</context>
<context>
    <name>CrashHandler</name>
    <message>
        <source>Internal Error</source>
        <translation>程序内部错误</translation>
    </message>
    <message>
        <source>The program hit an internal error. What you were doing may not have finished; data saved before is safe.
Please tell your support contact and send them the log file:
%1</source>
        <translation>程序出现内部错误，刚才的操作可能没有完成；此前已保存的数据不受影响。
请联系技术支持，并发送日志文件：
%1</translation>
    </message>
</context>
<context>
    <name>DeadlineDialog</name>
    <message>
        <source>Set Deadline</source>
        <translation>设置整改时限</translation>
    </message>
    <message>
        <source>Selected problems: %1</source>
        <translation>已选 %1 个问题</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改时限</translation>
    </message>
    <message>
        <source>Leave empty to keep</source>
        <translation>留空则不变</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
</context>
<context>
    <name>DemoAction</name>
    <message>
        <source>Demo Data</source>
        <translation>示例数据</translation>
    </message>
    <message>
        <source>Demo township loaded.</source>
        <translation>示例乡镇数据已加载。</translation>
    </message>
    <message>
        <source>Loading demo data…</source>
        <translation>正在加载示例数据…</translation>
    </message>
</context>
<context>
    <name>DiseaseListDialog</name>
    <message>
        <source>Chronic Disease List</source>
        <translation>慢性病种</translation>
    </message>
    <message>
        <source>Disease</source>
        <translation>病种</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>在用</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>卡数</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Stop / Resume Using</source>
        <translation>停用 / 启用</translation>
    </message>
    <message>
        <source>A disease no longer used stays on its old cards but is not offered for new ones.</source>
        <translation>停用的病种保留在原有慢性病卡上，新登记时不再提供。</translation>
    </message>
    <message>
        <source>Add Disease</source>
        <translation>新增病种</translation>
    </message>
    <message>
        <source>Disease name</source>
        <translation>病种名称</translation>
    </message>
    <message>
        <source>Rename Disease</source>
        <translation>重命名病种</translation>
    </message>
</context>
<context>
    <name>EndDialog</name>
    <message>
        <source>End Assignment: %1</source>
        <translation>离岗 / 撤销：%1</translation>
    </message>
    <message>
        <source>Leaves the post</source>
        <translation>离岗</translation>
    </message>
    <message>
        <source>Post revoked</source>
        <translation>撤销岗位</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>上岗人员</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Last day in post</source>
        <translation>最后在岗日期</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Enter the last day in post</source>
        <translation>请填写最后在岗日期</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Record changed</source>
        <translation>记录已被修改</translation>
    </message>
    <message>
        <source>Cannot continue</source>
        <translation>无法继续</translation>
    </message>
    <message>
        <source>Program error</source>
        <translation>程序错误</translation>
    </message>
    <message>
        <source>An unexpected error occurred; nothing was saved. Details are in the log file:
%1</source>
        <translation>发生了意外错误，本次操作未保存任何数据。详细信息已写入日志文件：
%1</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export to Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户信息</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>Mask ID, bank and phone numbers (for public notices)</source>
        <translation>证件号码、银行账号、电话打码（用于公示）</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Export Settlements to Excel</source>
        <translation>导出医疗结算 Excel</translation>
    </message>
    <message>
        <source>Mask ID numbers (for public notices)</source>
        <translation>证件号码打码（用于公示）</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
</context>
<context>
    <name>Field</name>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
</context>
<context>
    <name>FillDialog</name>
    <message>
        <source>Fill Attendance</source>
        <translation>填充考勤</translation>
    </message>
    <message>
        <source>Skip Saturdays</source>
        <translation>跳过星期六</translation>
    </message>
    <message>
        <source>Skip Sundays</source>
        <translation>跳过星期日</translation>
    </message>
    <message>
        <source>Selected workers (%1)</source>
        <translation>选中的人员（%1 人）</translation>
    </message>
    <message>
        <source>Everyone shown (%1)</source>
        <translation>列表中全部人员（%1 人）</translation>
    </message>
    <message>
        <source>Mark</source>
        <translation>考勤标记</translation>
    </message>
    <message>
        <source>From day</source>
        <translation>从（日）</translation>
    </message>
    <message>
        <source>To day</source>
        <translation>到（日）</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Days outside a worker's time in post are left alone.</source>
        <translation>不在上岗期间的日期不会填写。</translation>
    </message>
</context>
<context>
    <name>GapsPage</name>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <source>Chronic diseases</source>
        <translation>慢性病种</translation>
    </message>
    <message>
        <source>Known from</source>
        <translation>认定依据</translation>
    </message>
    <message>
        <source>Sign a Family Doctor…</source>
        <translation>签约家庭医生…</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>签约医生</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>签约团队</translation>
    </message>
    <message>
        <source>Signed on</source>
        <translation>签约日期</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>随访次数</translation>
    </message>
    <message>
        <source>Last follow-up</source>
        <translation>最近随访</translation>
    </message>
    <message>
        <source>Record Follow-up…</source>
        <translation>登记随访…</translation>
    </message>
    <message>
        <source>Chronic patients without a family doctor: %1</source>
        <translation>有慢性病但未签约家庭医生：%1 人</translation>
    </message>
    <message>
        <source>Signings without a follow-up in the last %1 months: %2</source>
        <translation>超过 %1 个月未随访的签约：%2 人</translation>
    </message>
</context>
<context>
    <name>HouseholdDialog</name>
    <message>
        <source>Reload</source>
        <translation>重新载入</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Income</source>
        <translation>收入</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存（Ctrl+S）</translation>
    </message>
    <message>
        <source>Basic Information</source>
        <translation>基本情况</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>性质</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>疑点说明</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>疑点</translation>
    </message>
    <message>
        <source>Household details</source>
        <translation>户基本信息</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Village group</source>
        <translation>村民小组</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>County</source>
        <translation>县（区、市）</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <source>Household type</source>
        <translation>户类型</translation>
    </message>
    <message>
        <source>Year lifted out of poverty</source>
        <translation>脱贫年度</translation>
    </message>
    <message>
        <source>Family size (declared)</source>
        <translation>家庭人口数</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>开户银行</translation>
    </message>
    <message>
        <source>Bank account</source>
        <translation>银行账号</translation>
    </message>
    <message>
        <source>Monitoring and risk</source>
        <translation>监测与风险</translation>
    </message>
    <message>
        <source>Monitoring category</source>
        <translation>监测对象类别</translation>
    </message>
    <message>
        <source>Date identified for monitoring</source>
        <translation>识别监测时间</translation>
    </message>
    <message>
        <source>Risk %1</source>
        <translation>致贫返贫风险%1</translation>
    </message>
    <message>
        <source>Risk eliminated</source>
        <translation>风险已消除</translation>
    </message>
    <message>
        <source>How eliminated</source>
        <translation>风险消除方式</translation>
    </message>
    <message>
        <source>Date eliminated</source>
        <translation>风险消除时间</translation>
    </message>
    <message>
        <source>Per-capita income after elimination</source>
        <translation>风险消除后人均纯收入</translation>
    </message>
    <message>
        <source>Basic needs and guarantees</source>
        <translation>两不愁三保障及饮水安全</translation>
    </message>
    <message>
        <source>Enough to eat</source>
        <translation>不愁吃</translation>
    </message>
    <message>
        <source>Enough to wear</source>
        <translation>不愁穿</translation>
    </message>
    <message>
        <source>Compulsory education guaranteed</source>
        <translation>义务教育有保障</translation>
    </message>
    <message>
        <source>Basic medical care guaranteed</source>
        <translation>基本医疗有保障</translation>
    </message>
    <message>
        <source>Safe housing guaranteed</source>
        <translation>住房安全有保障</translation>
    </message>
    <message>
        <source>Safe drinking water</source>
        <translation>饮水安全</translation>
    </message>
    <message>
        <source>Dilapidated house</source>
        <translation>危房户</translation>
    </message>
    <message>
        <source>Receives minimum living allowance</source>
        <translation>享受低保</translation>
    </message>
    <message>
        <source>Receives extreme-poverty support</source>
        <translation>享受特困供养</translation>
    </message>
    <message>
        <source>Assistance received (categories)</source>
        <translation>享受帮扶措施类别</translation>
    </message>
    <message>
        <source>Helper</source>
        <translation>帮扶责任人</translation>
    </message>
    <message>
        <source>Helper name</source>
        <translation>帮扶责任人</translation>
    </message>
    <message>
        <source>Helper unit</source>
        <translation>帮扶责任人单位</translation>
    </message>
    <message>
        <source>Helper phone</source>
        <translation>帮扶责任人电话</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Household %1</source>
        <translation>户 %1</translation>
    </message>
    <message>
        <source>New Household</source>
        <translation>新增户</translation>
    </message>
    <message>
        <source> (exempted)</source>
        <translation>（已豁免）</translation>
    </message>
    <message>
        <source>Discard your changes and load the record as saved by others?</source>
        <translation>放弃您的修改，重新载入他人保存后的记录吗？</translation>
    </message>
    <message>
        <source>Nothing to save</source>
        <translation>没有需要保存的修改</translation>
    </message>
    <message>
        <source>Saved at %1</source>
        <translation>已于 %1 保存</translation>
    </message>
    <message>
        <source>%1 item(s) to correct, marked in red.</source>
        <translation>有 %1 处需要修改，已用红色标出。</translation>
    </message>
    <message>
        <source>Close without saving your changes?</source>
        <translation>放弃尚未保存的修改并关闭吗？</translation>
    </message>
</context>
<context>
    <name>HouseholdImport</name>
    <message>
        <source>Import Households</source>
        <translation>导入户信息</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx *.xlsm *.xls)</source>
        <translation>Excel 文件 (*.xlsx *.xlsm *.xls)</translation>
    </message>
    <message>
        <source>Importing households…</source>
        <translation>正在导入户信息…</translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <source>Deleted Households</source>
        <translation>已删除的户</translation>
    </message>
    <message>
        <source>%1 households in the file were deleted (%2); their rows were not imported.
Restore these households and import their rows?</source>
        <translation>表中有 %1 户已被删除（%2），这些户的行未导入。
要恢复这些户并导入其行吗？</translation>
    </message>
</context>
<context>
    <name>HouseholdLedgerDialog</name>
    <message>
        <source>Print Ledger</source>
        <translation>打印台账</translation>
    </message>
    <message>
        <source>Latest year</source>
        <translation>最近年度</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
</context>
<context>
    <name>HouseholdLists</name>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Measure type</source>
        <translation>措施类别</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>疑点</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>后续跟进</translation>
    </message>
</context>
<context>
    <name>HouseholdPrint</name>
    <message>
        <source>Save Ledger</source>
        <translation>保存台账</translation>
    </message>
    <message>
        <source>Printing ledger…</source>
        <translation>正在生成台账…</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Household File</source>
        <translation>一户一档</translation>
    </message>
    <message>
        <source>Select one or more households first.</source>
        <translation>请先选择一户或多户。</translation>
    </message>
    <message>
        <source>%1 households selected. Print them into one PDF, or one PDF per household?</source>
        <translation>已选 %1 户。合并为一个 PDF，还是每户一个 PDF？</translation>
    </message>
    <message>
        <source>One PDF</source>
        <translation>合并为一个 PDF</translation>
    </message>
    <message>
        <source>One PDF Each</source>
        <translation>每户一个 PDF</translation>
    </message>
    <message>
        <source>Printing household files…</source>
        <translation>正在生成一户一档…</translation>
    </message>
    <message>
        <source>Folder for the Household Files</source>
        <translation>选择一户一档的保存文件夹</translation>
    </message>
    <message>
        <source>%1 files saved in %2</source>
        <translation>已保存 %1 个文件，位于 %2</translation>
    </message>
    <message>
        <source>Save Household File</source>
        <translation>保存一户一档</translation>
    </message>
</context>
<context>
    <name>HouseholdSettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Township and signatures</source>
        <translation>乡镇与台账签字</translation>
    </message>
    <message>
        <source>Township name</source>
        <translation>乡镇名称</translation>
    </message>
    <message>
        <source>County</source>
        <translation>县（区、市）</translation>
    </message>
    <message>
        <source>Unit printed on ledgers</source>
        <translation>编制单位（台账上打印）</translation>
    </message>
    <message>
        <source>Prepared by</source>
        <translation>制表人</translation>
    </message>
    <message>
        <source>Reviewed by</source>
        <translation>审核人</translation>
    </message>
    <message>
        <source>Default: &lt;township&gt; People's Government</source>
        <translation>默认：“乡镇名称”人民政府</translation>
    </message>
    <message>
        <source>Monitoring threshold (per-capita net income, yuan per person per year)</source>
        <translation>监测范围（人均纯收入标准，元/人·年）</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Threshold (yuan)</source>
        <translation>监测线（元）</translation>
    </message>
    <message>
        <source>Add Year</source>
        <translation>新增年度</translation>
    </message>
    <message>
        <source>Remove Year</source>
        <translation>删除年度</translation>
    </message>
    <message>
        <source>A year without its own row uses the latest earlier year.</source>
        <translation>未单独列出的年度，按此前最近一年的标准执行。</translation>
    </message>
    <message>
        <source>Year %1 appears twice in the threshold table.</source>
        <translation>监测线表中 %1 年出现了两次。</translation>
    </message>
    <message>
        <source>Enter the monitoring threshold of at least one year.</source>
        <translation>请至少填写一个年度的监测范围标准。</translation>
    </message>
</context>
<context>
    <name>HouseholdsTab</name>
    <message>
        <source>Households</source>
        <translation>户信息</translation>
    </message>
    <message>
        <source>New Household</source>
        <translation>新增户</translation>
    </message>
    <message>
        <source>Open Household</source>
        <translation>打开该户</translation>
    </message>
    <message>
        <source>Import Households…</source>
        <translation>导入户信息…</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Print Ledger…</source>
        <translation>打印台账…</translation>
    </message>
    <message>
        <source>Household File…</source>
        <translation>一户一档…</translation>
    </message>
    <message>
        <source>Print the file (一户一档) of the selected households</source>
        <translation>打印所选户的一户一档</translation>
    </message>
    <message>
        <source>Household Survey…</source>
        <translation>入户排查…</translation>
    </message>
    <message>
        <source>Record a 入户排查 visit of the current household</source>
        <translation>登记当前农户的入户排查结果</translation>
    </message>
    <message>
        <source>Thresholds and Township…</source>
        <translation>监测线与乡镇设置…</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Household type</source>
        <translation>户类型</translation>
    </message>
    <message>
        <source>Monitoring category</source>
        <translation>监测对象类别</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Risk eliminated</source>
        <translation>风险已消除</translation>
    </message>
    <message>
        <source>Household head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Relation to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Member status</source>
        <translation>人员状态</translation>
    </message>
    <message>
        <source>Status since</source>
        <translation>状态日期</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Persons</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>Per-capita net income</source>
        <translation>人均纯收入</translation>
    </message>
    <message>
        <source>Helper</source>
        <translation>帮扶责任人</translation>
    </message>
    <message>
        <source>Loading households…</source>
        <translation>正在加载户信息…</translation>
    </message>
    <message>
        <source>Per-capita net income below the monitoring threshold</source>
        <translation>人均纯收入低于监测线</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <source>Education</source>
        <translation>文化程度</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Deceased or moved out: kept for the record</source>
        <translation>已死亡或迁出：记录保留备查</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Members of %1 (%2)</source>
        <translation>户 %1 的家庭成员（%2 人）</translation>
    </message>
</context>
<context>
    <name>ImportSummary</name>
    <message>
        <source>Import Result</source>
        <translation>导入结果</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>文件：%1</translation>
    </message>
    <message>
        <source>Month: %1</source>
        <translation>月份：%1</translation>
    </message>
    <message>
        <source>Not imported</source>
        <translation>未导入</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Issue type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Sheet row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Column in sheet</source>
        <translation>表格列</translation>
    </message>
    <message>
        <source>Reason code</source>
        <translation>原因代码</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Save List…</source>
        <translation>保存清单…</translation>
    </message>
    <message>
        <source>Rows that were not imported, or imported with a warning:</source>
        <translation>未导入的行及有警告的行：</translation>
    </message>
    <message>
        <source>Every row was imported.</source>
        <translation>所有行均已导入。</translation>
    </message>
    <message>
        <source>Rows imported</source>
        <translation>导入行数</translation>
    </message>
    <message>
        <source>Rows rejected</source>
        <translation>未导入行数</translation>
    </message>
    <message>
        <source>Rows with warnings</source>
        <translation>有警告的行数</translation>
    </message>
    <message>
        <source>Blank or total rows skipped</source>
        <translation>跳过的空行及合计行</translation>
    </message>
    <message>
        <source>Households created</source>
        <translation>新增户数</translation>
    </message>
    <message>
        <source>Households updated</source>
        <translation>更新户数</translation>
    </message>
    <message>
        <source>Members created</source>
        <translation>新增成员数</translation>
    </message>
    <message>
        <source>Members updated</source>
        <translation>更新成员数</translation>
    </message>
    <message>
        <source>New settlements</source>
        <translation>新增结算</translation>
    </message>
    <message>
        <source>Settlements updated</source>
        <translation>更新结算</translation>
    </message>
    <message>
        <source>Unchanged</source>
        <translation>未变化</translation>
    </message>
    <message>
        <source>New posts</source>
        <translation>新建岗位</translation>
    </message>
    <message>
        <source>New assignments</source>
        <translation>新增上岗</translation>
    </message>
    <message>
        <source>Assignments updated</source>
        <translation>更新上岗</translation>
    </message>
    <message>
        <source>Assignments unchanged</source>
        <translation>上岗无变化</translation>
    </message>
    <message>
        <source>Workers' months entered</source>
        <translation>新录入人月考勤</translation>
    </message>
    <message>
        <source>Workers' months replaced</source>
        <translation>替换人月考勤</translation>
    </message>
    <message>
        <source>Workers' months unchanged</source>
        <translation>人月考勤无变化</translation>
    </message>
    <message>
        <source>Save Rejected Rows</source>
        <translation>保存问题清单</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>The list was saved to %1</source>
        <translation>清单已保存到 %1</translation>
    </message>
</context>
<context>
    <name>IncomePage</name>
    <message>
        <source>Add Year</source>
        <translation>新增年度</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Income components (yuan)</source>
        <translation>收入构成（元）</translation>
    </message>
    <message>
        <source>Persons (divisor)</source>
        <translation>人口数（计算人均）</translation>
    </message>
    <message>
        <source>Wage income</source>
        <translation>工资性收入</translation>
    </message>
    <message>
        <source>Business income</source>
        <translation>生产经营性收入</translation>
    </message>
    <message>
        <source>Property income</source>
        <translation>财产性收入</translation>
    </message>
    <message>
        <source>Transfer income</source>
        <translation>转移性收入</translation>
    </message>
    <message>
        <source>Business expenses (deducted)</source>
        <translation>生产经营性支出（扣除）</translation>
    </message>
    <message>
        <source>Compliant self-paid expenses</source>
        <translation>合规自付支出</translation>
    </message>
    <message>
        <source>Per-capita net income as declared</source>
        <translation>人均纯收入（申报）</translation>
    </message>
    <message>
        <source>Computed figures</source>
        <translation>测算结果</translation>
    </message>
    <message>
        <source>Net income</source>
        <translation>纯收入</translation>
    </message>
    <message>
        <source>Per-capita net income</source>
        <translation>人均纯收入</translation>
    </message>
    <message>
        <source>Monitoring threshold of the year</source>
        <translation>当年监测线</translation>
    </message>
    <message>
        <source>Net income = wage + business + property + transfer − business expenses; per-capita = net income ÷ persons.</source>
        <translation>纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出；人均纯收入 = 纯收入 ÷ 人口数。</translation>
    </message>
    <message>
        <source>Below the monitoring threshold</source>
        <translation>低于监测线</translation>
    </message>
    <message>
        <source>At or above the threshold</source>
        <translation>不低于监测线</translation>
    </message>
</context>
<context>
    <name>InspectionsPage</name>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>All inspections</source>
        <translation>全部检查记录</translation>
    </message>
    <message>
        <source>Overdue yellow flags (any month)</source>
        <translation>逾期未整改的黄旗（不限月份）</translation>
    </message>
    <message>
        <source>Mark Rectified…</source>
        <translation>登记已整改…</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Post</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查人</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等次</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>旗帜</translation>
    </message>
    <message>
        <source>Problem found</source>
        <translation>存在问题</translation>
    </message>
    <message>
        <source>Rectify by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Rectified</source>
        <translation>已整改</translation>
    </message>
    <message>
        <source>Rectified on</source>
        <translation>整改日期</translation>
    </message>
    <message>
        <source>Yellow flag not rectified by the deadline</source>
        <translation>黄旗逾期未整改</translation>
    </message>
    <message>
        <source>%1 inspections · red flags %2 · yellow flags %3 (overdue %4)</source>
        <translation>检查 %1 次 · 红旗 %2 面 · 黄旗 %3 面（逾期未整改 %4 面）</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>上岗人员</translation>
    </message>
    <message>
        <source>Inspection date</source>
        <translation>检查日期</translation>
    </message>
    <message>
        <source>Score (0–100)</source>
        <translation>得分（0–100）</translation>
    </message>
    <message>
        <source>Rectify by (yellow flag; empty: %1 days)</source>
        <translation>整改期限（黄旗；空则为 %1 天后）</translation>
    </message>
    <message>
        <source>Choose the worker</source>
        <translation>请选择上岗人员</translation>
    </message>
    <message>
        <source>Enter the inspection date</source>
        <translation>请填写检查日期</translation>
    </message>
    <message>
        <source>A reason is needed to correct a closed month</source>
        <translation>更正已关账月份须填写原因</translation>
    </message>
    <message>
        <source>Inspection: %1 %2</source>
        <translation>检查记录：%1 %2</translation>
    </message>
    <message>
        <source>New Inspection</source>
        <translation>新增检查记录</translation>
    </message>
    <message>
        <source>Delete Inspection</source>
        <translation>删除检查记录</translation>
    </message>
    <message>
        <source>Correct a Closed Month</source>
        <translation>更正已关账月份</translation>
    </message>
    <message>
        <source>The deadline of this yellow flag falls in %1, which is closed: its payroll was printed and signed.
The change is recorded as a correction and the difference is paid or recovered with the next open month's wages.

Why is the rectification changed?</source>
        <translation>该黄旗的整改期限在%1，该月已关账（花名册已打印签字）。
此次修改将记为更正，差额随下一个未关账月份的补贴补发或扣回。

为什么修改整改情况？</translation>
    </message>
    <message>
        <source>Mark Rectified</source>
        <translation>登记已整改</translation>
    </message>
    <message>
        <source>%1: date the problem was fixed</source>
        <translation>%1：问题整改完成的日期</translation>
    </message>
    <message>
        <source>enter a date such as 2025-10-31</source>
        <translation>请填写日期，如 2025-10-31</translation>
    </message>
</context>
<context>
    <name>Integrity</name>
    <message>
        <source>⚠ Data integrity check failed: records were altered outside the program</source>
        <translation>⚠ 数据完整性校验未通过：有记录在程序之外被改动</translation>
    </message>
    <message>
        <source>Data Integrity</source>
        <translation>数据完整性</translation>
    </message>
    <message>
        <source>Checking data integrity…</source>
        <translation>正在校验数据完整性…</translation>
    </message>
</context>
<context>
    <name>ItemDialog</name>
    <message>
        <source>Archive File Details</source>
        <translation>归档文件信息</translation>
    </message>
    <message>
        <source>e.g. 清政〔2025〕3号</source>
        <translation>例如 清政〔2025〕3号</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>题名</translation>
    </message>
    <message>
        <source>Responsible body</source>
        <translation>责任者</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>文号</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Security level</source>
        <translation>密级</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>保管期限</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>LedgerDialog</name>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>PDF (to print)</source>
        <translation>PDF（用于打印）</translation>
    </message>
    <message>
        <source>Excel workbook</source>
        <translation>Excel 表格</translation>
    </message>
    <message>
        <source>Ledger kind</source>
        <translation>台账类型</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log In</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>The window was locked after a period of inactivity. Enter the password to continue; unsaved edits are kept.</source>
        <translation>长时间未操作，窗口已锁定。请输入密码继续；未保存的修改仍然保留。</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Switch User</source>
        <translation>切换用户</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Rural Revitalisation Ledgers</source>
        <translation>乡村振兴台账管理系统</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>E&amp;xport</source>
        <translation>导出(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;Print</source>
        <translation>打印(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Database</source>
        <translation>数据库(&amp;D)</translation>
    </message>
    <message>
        <source>Open Database…</source>
        <translation>打开数据库…</translation>
    </message>
    <message>
        <source>Connect to Server Database…</source>
        <translation>连接服务器数据库…</translation>
    </message>
    <message>
        <source>Backup…</source>
        <translation>备份…</translation>
    </message>
    <message>
        <source>Restore…</source>
        <translation>恢复…</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Nothing to save</source>
        <translation>没有需要保存的修改</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <source>%1 villages · %2 households · %3 members</source>
        <translation>%1 个行政村 · %2 户 · %3 人</translation>
    </message>
    <message>
        <source>Work in progress</source>
        <translation>工作进行中</translation>
    </message>
    <message>
        <source>Still running: %1.
Cancel it and close the program?</source>
        <translation>以下工作仍在进行：%1。
要取消它并关闭程序吗？</translation>
    </message>
    <message>
        <source>The running work did not stop in time; please wait a moment and close again.</source>
        <translation>正在进行的工作没能及时停下，请稍候再关闭程序。</translation>
    </message>
    <message>
        <source>Opening database…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>Setup Wizard…</source>
        <translation>设置向导…</translation>
    </message>
    <message>
        <source>Open Database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <source>Cannot open database</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <source>Open or Create Database</source>
        <translation>打开或新建数据库</translation>
    </message>
    <message>
        <source>Database files (*.db)</source>
        <translation>数据库文件 (*.db)</translation>
    </message>
    <message>
        <source>Connect to Server Database</source>
        <translation>连接服务器数据库</translation>
    </message>
    <message>
        <source>PostgreSQL address, e.g. postgresql://user:password@server:5432/fupin</source>
        <translation>PostgreSQL 数据库地址，例如 postgresql://用户名:密码@服务器:5432/fupin</translation>
    </message>
    <message>
        <source>Backup Database</source>
        <translation>备份数据库</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Backup saved to %1</source>
        <translation>备份已保存到 %1</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Replace all current data with the backup %1?
The current data is saved to a safety copy first.</source>
        <translation>确定用备份 %1 替换当前全部数据吗？
恢复前会先把当前数据另存一份安全副本。</translation>
    </message>
    <message>
        <source>Restored. The previous data was saved to %1</source>
        <translation>恢复完成。恢复前的数据已另存为 %1</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
</context>
<context>
    <name>MeasuresPage</name>
    <message>
        <source>Assistance Measure</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <source>Measure type</source>
        <translation>措施类别</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
</context>
<context>
    <name>MedicalIO</name>
    <message>
        <source>Import Medical Settlements</source>
        <translation>导入医疗结算明细</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx *.xlsm *.xls)</source>
        <translation>Excel 文件 (*.xlsx *.xlsm *.xls)</translation>
    </message>
    <message>
        <source>Importing medical settlements…</source>
        <translation>正在导入医疗结算明细…</translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Writing the workbook…</source>
        <translation>正在写入 Excel…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>%1 settlements saved to %2</source>
        <translation>已导出 %1 笔结算到 %2</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Save Ledger</source>
        <translation>保存台账</translation>
    </message>
    <message>
        <source>Printing ledger…</source>
        <translation>正在生成台账…</translation>
    </message>
</context>
<context>
    <name>MedicalLedgerDialog</name>
    <message>
        <source>Print Medical Ledger</source>
        <translation>打印医疗台账</translation>
    </message>
    <message>
        <source>Only settlements below the target ratio</source>
        <translation>只列政策范围内报销比例低于目标的结算</translation>
    </message>
    <message>
        <source>Grouping</source>
        <translation>汇总方式</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>Only chronic patients without a family doctor</source>
        <translation>只列未签约家庭医生的慢性病患者</translation>
    </message>
    <message>
        <source>Only signings overdue for a follow-up</source>
        <translation>只列超期未随访的签约</translation>
    </message>
</context>
<context>
    <name>MedicalRecordDialog</name>
    <message>
        <source>Close without saving your changes?</source>
        <translation>放弃尚未保存的修改并关闭吗？</translation>
    </message>
</context>
<context>
    <name>MedicalSettingsDialog</name>
    <message>
        <source>Medical Relief Settings</source>
        <translation>医疗救助设置</translation>
    </message>
    <message>
        <source>Target reimbursement ratio within policy</source>
        <translation>政策范围内报销比例目标</translation>
    </message>
    <message>
        <source> (year)</source>
        <translation> 年度</translation>
    </message>
    <message>
        <source>Inpatient</source>
        <translation>住院</translation>
    </message>
    <message>
        <source>Outpatient chronic / special disease</source>
        <translation>门诊慢特病</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Settlements below the target of their year are flagged. A year without its own targets uses 90% / 80%.</source>
        <translation>低于当年目标的结算会被标出。未单独设置的年度按 90% / 80%。</translation>
    </message>
    <message>
        <source>Alert: families pushed back into poverty by illness</source>
        <translation>因病返贫预警</translation>
    </message>
    <message>
        <source>Out-of-pocket per year reaches (yuan)</source>
        <translation>全年个人自付达到（元）</translation>
    </message>
    <message>
        <source>or its share of net income reaches</source>
        <translation>或占家庭纯收入比例达到</translation>
    </message>
    <message>
        <source>Family doctors</source>
        <translation>家庭医生</translation>
    </message>
    <message>
        <source> months</source>
        <translation> 个月</translation>
    </message>
    <message>
        <source>List signings without a follow-up for</source>
        <translation>签约后未随访超过</translation>
    </message>
</context>
<context>
    <name>MedicalTab</name>
    <message>
        <source>Medical Relief</source>
        <translation>医疗救助</translation>
    </message>
    <message>
        <source>Settlements</source>
        <translation>就医结算</translation>
    </message>
    <message>
        <source>Chronic Disease Cards</source>
        <translation>慢性病卡</translation>
    </message>
    <message>
        <source>Family Doctors</source>
        <translation>家庭医生签约</translation>
    </message>
    <message>
        <source>Gap Lists</source>
        <translation>缺口名单</translation>
    </message>
    <message>
        <source>Illness Poverty Alerts</source>
        <translation>返贫风险预警</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>New settlement, card or signing (Ctrl+N)</source>
        <translation>新增结算、慢性病卡或签约（Ctrl+N）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Open the selected record (Enter)</source>
        <translation>打开选中的记录（Enter）</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Import Medical Settlements…</source>
        <translation>导入医疗结算明细…</translation>
    </message>
    <message>
        <source>Export Settlements to Excel…</source>
        <translation>导出医疗结算 Excel…</translation>
    </message>
    <message>
        <source>Print Medical Ledger…</source>
        <translation>打印医疗台账…</translation>
    </message>
    <message>
        <source>Medical Relief Settings…</source>
        <translation>医疗救助设置…</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Delete Settlement</source>
        <translation>删除结算记录</translation>
    </message>
</context>
<context>
    <name>MedicalWidgets</name>
    <message>
        <source>Delete %1?
Reason (required):</source>
        <translation>删除 %1？
删除原因（必填）：</translation>
    </message>
    <message>
        <source>Type a name or ID number, then choose from the list</source>
        <translation>输入姓名或证件号码，然后从列表中选择</translation>
    </message>
    <message>
        <source>No member found</source>
        <translation>找不到此人</translation>
    </message>
    <message>
        <source>Household %1 · %2</source>
        <translation>户 %1 · %2</translation>
    </message>
    <message>
        <source>choose the person from the list (type a name, then ↓ and Enter)</source>
        <translation>请从列表中选择人员（输入姓名后按 ↓ 和回车）</translation>
    </message>
</context>
<context>
    <name>MembersPage</name>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Relation to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Member status</source>
        <translation>人员状态</translation>
    </message>
    <message>
        <source>Status since</source>
        <translation>状态日期</translation>
    </message>
    <message>
        <source>Status note</source>
        <translation>状态说明</translation>
    </message>
    <message>
        <source>Deceased or moved out: kept for the record</source>
        <translation>已死亡或迁出：记录保留备查</translation>
    </message>
    <message>
        <source>Mark Deceased / Moved Out…</source>
        <translation>标记死亡/迁出…</translation>
    </message>
    <message>
        <source>Household Member</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>ID type</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <source>Sex (from the ID when empty)</source>
        <translation>性别（空则按证件号码）</translation>
    </message>
    <message>
        <source>Birth date (from the ID when empty)</source>
        <translation>出生日期（空则按证件号码）</translation>
    </message>
    <message>
        <source>Ethnicity</source>
        <translation>民族</translation>
    </message>
    <message>
        <source>Education</source>
        <translation>文化程度</translation>
    </message>
    <message>
        <source>School status</source>
        <translation>在校生状况</translation>
    </message>
    <message>
        <source>Why not in compulsory school</source>
        <translation>义务教育阶段未上学原因</translation>
    </message>
    <message>
        <source>Labour skill</source>
        <translation>劳动技能</translation>
    </message>
    <message>
        <source>Months worked away</source>
        <translation>务工时间（月）</translation>
    </message>
    <message>
        <source>Basic medical insurance</source>
        <translation>参加基本医疗保险</translation>
    </message>
    <message>
        <source>Critical illness insurance</source>
        <translation>参加大病保险</translation>
    </message>
    <message>
        <source>Pension insurance</source>
        <translation>参加养老保险</translation>
    </message>
    <message>
        <source>Employee medical insurance</source>
        <translation>职工基本医疗保险</translation>
    </message>
    <message>
        <source>Receives minimum living allowance</source>
        <translation>享受低保</translation>
    </message>
    <message>
        <source>Receives extreme-poverty support</source>
        <translation>享受特困供养</translation>
    </message>
    <message>
        <source>Since (date)</source>
        <translation>变更日期</translation>
    </message>
    <message>
        <source>Note (e.g. where to)</source>
        <translation>说明（如迁往何处）</translation>
    </message>
    <message>
        <source>Status of %1</source>
        <translation>%1 的人员状态</translation>
    </message>
</context>
<context>
    <name>MonthPicker</name>
    <message>
        <source>Previous month</source>
        <translation>上一月</translation>
    </message>
    <message>
        <source>Next month</source>
        <translation>下一月</translation>
    </message>
</context>
<context>
    <name>NewProblemDialog</name>
    <message>
        <source>New Problem</source>
        <translation>登记问题</translation>
    </message>
    <message>
        <source>Household Code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Problem Category</source>
        <translation>问题类别</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Default: the household's helper</source>
        <translation>默认：该户的帮扶责任人</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改时限</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <source>Add User</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>OutputFiles</name>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
</context>
<context>
    <name>OverviewTab</name>
    <message>
        <source>Overview</source>
        <translation>总览</translation>
    </message>
    <message>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Save Charts as PNG…</source>
        <translation>图表另存为 PNG…</translation>
    </message>
    <message>
        <source>Households by type</source>
        <translation>按户类型统计户数</translation>
    </message>
    <message>
        <source>Households by village</source>
        <translation>按行政村统计户数</translation>
    </message>
    <message>
        <source>Monitored households by risk</source>
        <translation>监测户按风险类型（未消除/已消除）</translation>
    </message>
    <message>
        <source>Income per capita (households per 2,000 yuan)</source>
        <translation>人均纯收入分布（每 2000 元一档，户数）</translation>
    </message>
    <message>
        <source>Findings by rule</source>
        <translation>各规则疑点数</translation>
    </message>
    <message>
        <source>Posts and medical</source>
        <translation>公益性岗位与医疗预警</translation>
    </message>
    <message>
        <source>Click a bar to open the list behind it</source>
        <translation>点击条形打开对应的名单</translation>
    </message>
    <message>
        <source>Computing the overview</source>
        <translation>正在统计总览</translation>
    </message>
    <message>
        <source>dark: not eliminated, light: eliminated</source>
        <translation>深色：未消除　浅色：已消除</translation>
    </message>
    <message>
        <source>threshold %1</source>
        <translation>监测标准 %1</translation>
    </message>
    <message>
        <source>Click Refresh to run the data check</source>
        <translation>点击“刷新”运行数据检查</translation>
    </message>
    <message>
        <source>Posts filled</source>
        <translation>在岗岗位</translation>
    </message>
    <message>
        <source>Posts vacant</source>
        <translation>空缺岗位</translation>
    </message>
    <message>
        <source>Self-pay alerts</source>
        <translation>自付超预警户</translation>
    </message>
    <message>
        <source>attendance this month: %1</source>
        <translation>本月出勤率：%1</translation>
    </message>
    <message>
        <source>Income year %1</source>
        <translation>收入年度 %1</translation>
    </message>
</context>
<context>
    <name>PaperDialog</name>
    <message>
        <source>Print Paper Documents</source>
        <translation>打印纸质文件</translation>
    </message>
    <message>
        <source>Documents to make (PDF, opened for printing):</source>
        <translation>要生成的文件（PDF，生成后打开以便打印）：</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Search name, ID number, household code or post (Ctrl+F)</source>
        <translation>搜索姓名、身份证号、户编号或岗位（Ctrl+F）</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Leave Post…</source>
        <translation>离岗…</translation>
    </message>
    <message>
        <source>Revoke Post…</source>
        <translation>撤销岗位…</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Post</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Post type</source>
        <translation>岗位类型</translation>
    </message>
    <message>
        <source>Wage standard</source>
        <translation>补贴标准</translation>
    </message>
    <message>
        <source>Start date</source>
        <translation>上岗日期</translation>
    </message>
    <message>
        <source>End date</source>
        <translation>离岗日期</translation>
    </message>
    <message>
        <source>Reason for leaving</source>
        <translation>离岗原因</translation>
    </message>
    <message>
        <source>Agreement number</source>
        <translation>协议编号</translation>
    </message>
    <message>
        <source>Bank account</source>
        <translation>银行账号</translation>
    </message>
    <message>
        <source>Eligibility exception</source>
        <translation>资格例外原因</translation>
    </message>
    <message>
        <source>Assigned by exception (%1): %2</source>
        <translation>例外安排上岗（%1）：%2</translation>
    </message>
    <message>
        <source>%1 assignments</source>
        <translation>%1 条上岗记录</translation>
    </message>
</context>
<context>
    <name>PeriodPicker</name>
    <message>
        <source>All years</source>
        <translation>全部年度</translation>
    </message>
    <message>
        <source> (year)</source>
        <translation> 年度</translation>
    </message>
    <message>
        <source>Whole year</source>
        <translation>全年</translation>
    </message>
    <message>
        <source>Quarter %1</source>
        <translation>第%1季度</translation>
    </message>
    <message>
        <source>Month %1</source>
        <translation>%1月</translation>
    </message>
</context>
<context>
    <name>PostRulesDialog</name>
    <message>
        <source>Post Rules</source>
        <translation>岗位规则</translation>
    </message>
    <message>
        <source>Why are the rules changed? (recorded in the audit log)</source>
        <translation>为什么修改规则？（记入审计日志）</translation>
    </message>
    <message>
        <source>Closed months keep the rules they were paid with; changes apply to open months and new assignments.</source>
        <translation>已关账月份仍按当时的规则；修改只影响未关账月份和新的上岗。</translation>
    </message>
    <message>
        <source>Reason for the change</source>
        <translation>修改原因</translation>
    </message>
</context>
<context>
    <name>PostsAssign</name>
    <message>
        <source>%1 does not meet these conditions for a post:</source>
        <translation>%1不符合以下上岗条件：</translation>
    </message>
    <message>
        <source>To assign the post all the same, write the reason for the exception. It is stored with the assignment and in the audit log.</source>
        <translation>如确需安排上岗，请写明例外原因。原因将保存在上岗记录中并记入审计日志。</translation>
    </message>
    <message>
        <source>Eligibility Exception</source>
        <translation>上岗资格例外</translation>
    </message>
    <message>
        <source>Assign with Exception</source>
        <translation>例外安排上岗</translation>
    </message>
</context>
<context>
    <name>PostsExportDialog</name>
    <message>
        <source>Export Posts to Excel</source>
        <translation>导出公益性岗位到 Excel</translation>
    </message>
    <message>
        <source>Roster of post holders (in post that month)</source>
        <translation>岗位人员花名册（该月在岗人员）</translation>
    </message>
    <message>
        <source>Roster of post holders (all records)</source>
        <translation>岗位人员花名册（全部上岗记录）</translation>
    </message>
    <message>
        <source>Attendance sheet of the month</source>
        <translation>该月签到考勤表</translation>
    </message>
    <message>
        <source>Bank disbursement list of the month</source>
        <translation>该月银行代发明细</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>Mask ID and bank numbers (for public notices)</source>
        <translation>证件号码、银行账号打码（用于公示）</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
</context>
<context>
    <name>PostsImport</name>
    <message>
        <source>Import Post Roster</source>
        <translation>导入上岗花名册</translation>
    </message>
    <message>
        <source>Import Attendance Sheet</source>
        <translation>导入考勤表</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx *.xlsm *.xls)</source>
        <translation>Excel 文件 (*.xlsx *.xlsm *.xls)</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
</context>
<context>
    <name>PostsLedgerDialog</name>
    <message>
        <source>Print Posts Ledger</source>
        <translation>打印公益性岗位台账</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
</context>
<context>
    <name>PostsListPage</name>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>Search post, duty area or holder (Ctrl+F)</source>
        <translation>搜索岗位、责任区域或在岗人员（Ctrl+F）</translation>
    </message>
    <message>
        <source>Assign Worker to Post…</source>
        <translation>为该岗位安排上岗…</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Post name</source>
        <translation>岗位名称</translation>
    </message>
    <message>
        <source>Post type</source>
        <translation>岗位类型</translation>
    </message>
    <message>
        <source>Duty area</source>
        <translation>责任区域</translation>
    </message>
    <message>
        <source>Wage standard (yuan/month)</source>
        <translation>补贴标准（元/月）</translation>
    </message>
    <message>
        <source>Funding source</source>
        <translation>资金来源</translation>
    </message>
    <message>
        <source>Required days</source>
        <translation>应出勤天数</translation>
    </message>
    <message>
        <source>Post set up on</source>
        <translation>设岗日期</translation>
    </message>
    <message>
        <source>Post ends on</source>
        <translation>撤岗日期</translation>
    </message>
    <message>
        <source>Holders now</source>
        <translation>当前在岗人员</translation>
    </message>
    <message>
        <source>%1 posts</source>
        <translation>%1 个岗位</translation>
    </message>
    <message>
        <source>Duty area (streets, lanes, ponds…)</source>
        <translation>责任区域（街道、胡同、坑塘…）</translation>
    </message>
    <message>
        <source>Required days per month (empty: the rule)</source>
        <translation>每月应出勤天数（空则按规则）</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Post: %1</source>
        <translation>岗位：%1</translation>
    </message>
    <message>
        <source>New Post</source>
        <translation>新增岗位</translation>
    </message>
    <message>
        <source>Delete Post</source>
        <translation>删除岗位</translation>
    </message>
</context>
<context>
    <name>PostsOutput</name>
    <message>
        <source>Save As</source>
        <translation>另存为</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>No attendance was entered in %1 for %2 workers (%3). They are listed at the top as not entered, with no amount. Print anyway?</source>
        <translation>%1有 %2 人未录入考勤（%3），将列在最前、标注“未录入考勤”，不列金额。仍要打印吗？</translation>
    </message>
    <message>
        <source>Attendance Not Entered</source>
        <translation>未录入考勤</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>%1 rows saved to %2</source>
        <translation>已保存 %1 行到 %2</translation>
    </message>
    <message>
        <source>Total: %1 yuan</source>
        <translation>合计：%1 元</translation>
    </message>
    <message>
        <source>%1 workers have no bank account: fill it in before sending the list to the bank.</source>
        <translation>有 %1 人缺少银行账号：请补录后再报送银行。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
</context>
<context>
    <name>PostsTab</name>
    <message>
        <source>Public-Welfare Posts</source>
        <translation>公益性岗位</translation>
    </message>
    <message>
        <source>Posts</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>考勤</translation>
    </message>
    <message>
        <source>Inspections</source>
        <translation>考核</translation>
    </message>
    <message>
        <source>Wages</source>
        <translation>工资</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>New post, assignment (上岗) or inspection (Ctrl+N)</source>
        <translation>新增岗位、上岗或检查记录（Ctrl+N）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Open the selected record (Enter)</source>
        <translation>打开选中的记录（Enter）</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Import Post Roster…</source>
        <translation>导入上岗花名册…</translation>
    </message>
    <message>
        <source>Import Attendance Sheet…</source>
        <translation>导入考勤表…</translation>
    </message>
    <message>
        <source>Export Posts to Excel…</source>
        <translation>导出岗位 Excel…</translation>
    </message>
    <message>
        <source>Print Posts Ledger…</source>
        <translation>打印岗位台账…</translation>
    </message>
    <message>
        <source>Post Rules…</source>
        <translation>岗位规则…</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
</context>
<context>
    <name>PrintPreviewDialog</name>
    <message>
        <source>Print Preview</source>
        <translation>打印预览</translation>
    </message>
    <message>
        <source>Previous Page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next Page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Zoom In</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom Out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Fit Width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Rendering…</source>
        <translation>正在生成预览…</translation>
    </message>
    <message>
        <source>The document has no pages.</source>
        <translation>文档没有页面。</translation>
    </message>
    <message>
        <source>Page %1 / %2</source>
        <translation>第 %1 / %2 页</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>The printer could not be started.</source>
        <translation>无法启动打印机。</translation>
    </message>
    <message>
        <source>Save As</source>
        <translation>另存为</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
</context>
<context>
    <name>ProblemsModel</name>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Household Code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Problem Category</source>
        <translation>问题类别</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改时限</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>(village)</source>
        <translation>（村级）</translation>
    </message>
    <message>
        <source> (overdue)</source>
        <translation>（逾期）</translation>
    </message>
</context>
<context>
    <name>ProblemsTab</name>
    <message>
        <source>Problems</source>
        <translation>问题整改</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>Everyone responsible</source>
        <translation>全部责任人</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>只看逾期</translation>
    </message>
    <message>
        <source>New Problem…</source>
        <translation>登记问题…</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始整改</translation>
    </message>
    <message>
        <source>Rectified…</source>
        <translation>整改完成…</translation>
    </message>
    <message>
        <source>Close…</source>
        <translation>核验销号…</translation>
    </message>
    <message>
        <source>Send Back…</source>
        <translation>退回…</translation>
    </message>
    <message>
        <source>Set Deadline…</source>
        <translation>设置时限…</translation>
    </message>
    <message>
        <source>Print Ledger…</source>
        <translation>打印台账…</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>佐证材料</translation>
    </message>
    <message>
        <source>Add Evidence…</source>
        <translation>添加佐证材料…</translation>
    </message>
    <message>
        <source>%1: %2 open, %3 closed</source>
        <translation>%1：未销号 %2 个，已销号 %3 个</translation>
    </message>
    <message>
        <source>Progress: </source>
        <translation>清零进度：</translation>
    </message>
    <message>
        <source>no problems</source>
        <translation>暂无问题</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Confirmer</source>
        <translation>核验人</translation>
    </message>
    <message>
        <source>Add Evidence</source>
        <translation>添加佐证材料</translation>
    </message>
    <message>
        <source>Scans and photos (*.pdf *.jpg *.jpeg *.png)</source>
        <translation>扫描件和照片 (*.pdf *.jpg *.jpeg *.png)</translation>
    </message>
    <message>
        <source>Print Ledger</source>
        <translation>打印台账</translation>
    </message>
    <message>
        <source>PDF (*.pdf);;Excel (*.xlsx)</source>
        <translation>PDF 文件 (*.pdf);;Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Reason (required)</source>
        <translation>原因（必填）</translation>
    </message>
</context>
<context>
    <name>RegistryFilterBar</name>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Household type</source>
        <translation>户类型</translation>
    </message>
    <message>
        <source>Monitoring category</source>
        <translation>监测对象类别</translation>
    </message>
    <message>
        <source>Any category</source>
        <translation>全部监测对象</translation>
    </message>
    <message>
        <source>Not monitored</source>
        <translation>非监测对象</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Risk eliminated</source>
        <translation>风险已消除</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Below threshold</source>
        <translation>低于监测线</translation>
    </message>
    <message>
        <source>Per-capita net income below the monitoring threshold of the year</source>
        <translation>人均纯收入低于所选年度的监测线</translation>
    </message>
    <message>
        <source> (year)</source>
        <translation> 年度</translation>
    </message>
    <message>
        <source>Income year shown and compared with its threshold</source>
        <translation>显示哪一年的收入，并与该年监测线比较</translation>
    </message>
    <message>
        <source>Search name, ID number, household code, phone (Ctrl+F)</source>
        <translation>搜索姓名、证件号码、户编号、电话（Ctrl+F）</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>监测对象</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>%1 households</source>
        <translation>共 %1 户</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Save Report</source>
        <translation>保存报告</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>文本文件 (*.txt)</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>Restore from Backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Automatic backups in %1 (newest first). The current data is saved to a safety copy before restoring.</source>
        <translation>%1 中的自动备份（最新的在前）。恢复前会先把当前数据另存一份安全副本。</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>No automatic backups yet.</source>
        <translation>还没有自动备份。</translation>
    </message>
    <message>
        <source>Restore Selected</source>
        <translation>恢复所选备份</translation>
    </message>
    <message>
        <source>Open Backup Folder</source>
        <translation>打开备份文件夹</translation>
    </message>
    <message>
        <source>This database is on a PostgreSQL server: the program makes no automatic file backups of it. The administrator should schedule this command on the server every day (and keep the files on another disk):</source>
        <translation>该数据库位于 PostgreSQL 服务器上，程序不会为它制作自动备份文件。请管理员在服务器上设置每天定时运行下面的命令（并把备份文件保存到另一块磁盘）：</translation>
    </message>
    <message>
        <source>Last backup made from this computer: %1</source>
        <translation>本机上次备份时间：%1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Restore from Another File…</source>
        <translation>从其他文件恢复…</translation>
    </message>
    <message>
        <source>Database files (*.db)</source>
        <translation>数据库文件 (*.db)</translation>
    </message>
</context>
<context>
    <name>SettlementDialog</name>
    <message>
        <source>Reload</source>
        <translation>重新载入</translation>
    </message>
    <message>
        <source>Treatment</source>
        <translation>就医信息</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>就医人员</translation>
    </message>
    <message>
        <source>Hospital</source>
        <translation>医疗机构名称</translation>
    </message>
    <message>
        <source>Hospital level</source>
        <translation>医院等级</translation>
    </message>
    <message>
        <source>Type of care</source>
        <translation>就诊类别</translation>
    </message>
    <message>
        <source>Admission date</source>
        <translation>入院日期</translation>
    </message>
    <message>
        <source>Discharge date</source>
        <translation>出院日期</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>诊断名称</translation>
    </message>
    <message>
        <source>Settlement number</source>
        <translation>结算单据号</translation>
    </message>
    <message>
        <source>Settlement date</source>
        <translation>结算日期</translation>
    </message>
    <message>
        <source>Treatment first, payment later</source>
        <translation>先诊疗后付费</translation>
    </message>
    <message>
        <source>One-stop settlement</source>
        <translation>一站式结算</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Costs and who paid (yuan)</source>
        <translation>费用与报销（元）</translation>
    </message>
    <message>
        <source>Total cost</source>
        <translation>总费用</translation>
    </message>
    <message>
        <source>Cost within policy scope</source>
        <translation>政策范围内费用</translation>
    </message>
    <message>
        <source>Basic medical insurance fund</source>
        <translation>基本医保统筹</translation>
    </message>
    <message>
        <source>Critical illness insurance payment</source>
        <translation>大病保险</translation>
    </message>
    <message>
        <source>Medical assistance</source>
        <translation>医疗救助</translation>
    </message>
    <message>
        <source>Other support</source>
        <translation>其他保障</translation>
    </message>
    <message>
        <source>Kind of other support</source>
        <translation>其他保障类型</translation>
    </message>
    <message>
        <source>Computed (not typed)</source>
        <translation>自动计算（无需填写）</translation>
    </message>
    <message>
        <source>Total reimbursed</source>
        <translation>报销合计</translation>
    </message>
    <message>
        <source>Paid by the patient</source>
        <translation>个人自付</translation>
    </message>
    <message>
        <source>Reimbursement ratio within policy</source>
        <translation>政策范围内报销比例</translation>
    </message>
    <message>
        <source>Cost outside policy scope</source>
        <translation>政策范围外费用</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存（Ctrl+S）</translation>
    </message>
    <message>
        <source>Save and New</source>
        <translation>保存并新增</translation>
    </message>
    <message>
        <source>Save, then start the next settlement of the same hospital (Ctrl+Shift+S)</source>
        <translation>保存后接着录入同一医院的下一笔结算（Ctrl+Shift+S）</translation>
    </message>
    <message>
        <source>Settlement %1</source>
        <translation>就医结算 %1</translation>
    </message>
    <message>
        <source>New Settlement</source>
        <translation>新增就医结算</translation>
    </message>
    <message>
        <source>Below the %1 target for %2: %3</source>
        <translation>低于 %1 年%2目标比例 %3</translation>
    </message>
    <message>
        <source>Target for %2 in %1: %3</source>
        <translation>%1 年%2目标比例 %3</translation>
    </message>
    <message>
        <source>Nothing to save</source>
        <translation>没有需要保存的修改</translation>
    </message>
    <message>
        <source>Saved at %1</source>
        <translation>已于 %1 保存</translation>
    </message>
    <message>
        <source>%1 item(s) to correct, marked in red.</source>
        <translation>有 %1 处需要修改，已用红色标出。</translation>
    </message>
    <message>
        <source>Discard your changes and load the record as saved by others?</source>
        <translation>放弃您的修改，重新载入他人保存后的记录吗？</translation>
    </message>
    <message>
        <source>This settlement was deleted by someone else.</source>
        <translation>该结算记录已被他人删除。</translation>
    </message>
    <message>
        <source>Close without saving your changes?</source>
        <translation>放弃尚未保存的修改并关闭吗？</translation>
    </message>
</context>
<context>
    <name>SettlementsPage</name>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Below target ratio</source>
        <translation>低于目标比例</translation>
    </message>
    <message>
        <source>Only settlements whose reimbursement ratio within policy is below the year's target</source>
        <translation>只显示政策范围内报销比例低于当年目标的结算</translation>
    </message>
    <message>
        <source>Search name, ID number, settlement number, hospital, diagnosis (Ctrl+F)</source>
        <translation>搜索姓名、证件号码、结算单据号、医疗机构、诊断（Ctrl+F）</translation>
    </message>
    <message>
        <source>Show all households again</source>
        <translation>重新显示全部户</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Type of care</source>
        <translation>就诊类别</translation>
    </message>
    <message>
        <source>Settlement date</source>
        <translation>结算日期</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Hospital</source>
        <translation>医疗机构名称</translation>
    </message>
    <message>
        <source>Total cost</source>
        <translation>总费用</translation>
    </message>
    <message>
        <source>Within policy</source>
        <translation>政策范围内</translation>
    </message>
    <message>
        <source>Basic insurance</source>
        <translation>基本医保统筹</translation>
    </message>
    <message>
        <source>Critical illness</source>
        <translation>大病保险</translation>
    </message>
    <message>
        <source>Medical assistance</source>
        <translation>医疗救助</translation>
    </message>
    <message>
        <source>Other support</source>
        <translation>其他保障</translation>
    </message>
    <message>
        <source>Paid by patient</source>
        <translation>个人自付</translation>
    </message>
    <message>
        <source>Ratio</source>
        <translation>报销比例</translation>
    </message>
    <message>
        <source>Settlement number</source>
        <translation>结算单据号</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>诊断名称</translation>
    </message>
    <message>
        <source>Reimbursement ratio within policy below the year's target for this type of care</source>
        <translation>政策范围内报销比例低于当年该就诊类别的目标</translation>
    </message>
    <message>
        <source>Household %1 ✕</source>
        <translation>户 %1 ✕</translation>
    </message>
    <message>
        <source>%1 settlements</source>
        <translation>共 %1 笔</translation>
    </message>
    <message>
        <source>No settlements match the filter.</source>
        <translation>没有符合条件的结算记录。</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>%1 settlements (%2 inpatient)</source>
        <translation>%1 笔（住院 %2 笔）</translation>
    </message>
    <message>
        <source>Ratio within policy</source>
        <translation>政策范围内报销比例</translation>
    </message>
    <message>
        <source>Below target</source>
        <translation>低于目标（笔）</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Setup Wizard</source>
        <translation>设置向导</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>&lt; Back</source>
        <translation>&lt; 上一步</translation>
    </message>
    <message>
        <source>Next &gt;</source>
        <translation>下一步 &gt;</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>SigningPage</name>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Running signings only</source>
        <translation>只显示在约</translation>
    </message>
    <message>
        <source>Search name, ID number, doctor, team (Ctrl+F)</source>
        <translation>搜索姓名、证件号码、医生、团队（Ctrl+F）</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Household code</source>
        <translation>户编号</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>签约医生</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>签约团队</translation>
    </message>
    <message>
        <source>Institution</source>
        <translation>签约机构</translation>
    </message>
    <message>
        <source>Signed on</source>
        <translation>签约日期</translation>
    </message>
    <message>
        <source>Ends on</source>
        <translation>到期日期</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>随访次数</translation>
    </message>
    <message>
        <source>Last follow-up</source>
        <translation>最近随访</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>在约</translation>
    </message>
    <message>
        <source>Signing has ended</source>
        <translation>签约已到期</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>How</source>
        <translation>随访方式</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Follow-up visits</source>
        <translation>随访记录</translation>
    </message>
    <message>
        <source>Add Follow-up…</source>
        <translation>新增随访…</translation>
    </message>
    <message>
        <source>Edit Follow-up…</source>
        <translation>编辑随访…</translation>
    </message>
    <message>
        <source>Delete Follow-up</source>
        <translation>删除随访</translation>
    </message>
    <message>
        <source>%1 signings</source>
        <translation>共 %1 人</translation>
    </message>
    <message>
        <source>Follow-up visits of %1 (%2)</source>
        <translation>%1 的随访记录（%2 次）</translation>
    </message>
    <message>
        <source>Doctor's phone</source>
        <translation>医生电话</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>New Family-Doctor Signing</source>
        <translation>新增家庭医生签约</translation>
    </message>
    <message>
        <source>Family-Doctor Signing of %1</source>
        <translation>%1 的家庭医生签约</translation>
    </message>
    <message>
        <source>Delete Signing</source>
        <translation>删除签约</translation>
    </message>
    <message>
        <source>Follow-up of %1</source>
        <translation>%1 的随访</translation>
    </message>
    <message>
        <source>New Follow-up of %1</source>
        <translation>新增 %1 的随访</translation>
    </message>
    <message>
        <source>Delete the follow-up of %1 on %2?</source>
        <translation>删除 %1 在 %2 的随访记录？</translation>
    </message>
</context>
<context>
    <name>SurveyDialog</name>
    <message>
        <source>Household Survey</source>
        <translation>入户排查</translation>
    </message>
    <message>
        <source>Household %1 · %2 · head %3 · %4 members · helper %5</source>
        <translation>户编号 %1 · %2 · 户主 %3 · %4 人 · 帮扶责任人 %5</translation>
    </message>
    <message>
        <source>Visit date</source>
        <translation>排查日期</translation>
    </message>
    <message>
        <source>Names of the visitors</source>
        <translation>排查人员姓名</translation>
    </message>
    <message>
        <source>Visitors</source>
        <translation>排查人员</translation>
    </message>
    <message>
        <source>Highlighted answers come from the register: confirm or correct them.</source>
        <translation>底色标出的答案来自农户信息，请入户核实，不符的请改正。</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Attach Scans…</source>
        <translation>附加扫描件…</translation>
    </message>
    <message>
        <source>Earlier surveys</source>
        <translation>历次排查</translation>
    </message>
    <message>
        <source>From the register: %1</source>
        <translation>农户信息中登记为：%1</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 problem answer(s)</source>
        <translation>%1 · %2 · 发现问题 %3 项</translation>
    </message>
    <message>
        <source>version</source>
        <translation>调查表版本</translation>
    </message>
    <message>
        <source>Scans</source>
        <translation>扫描件</translation>
    </message>
    <message>
        <source>Attach Scans</source>
        <translation>附加扫描件</translation>
    </message>
    <message>
        <source>Scans and photos (*.pdf *.jpg *.jpeg *.png)</source>
        <translation>扫描件和照片 (*.pdf *.jpg *.jpeg *.png)</translation>
    </message>
    <message>
        <source>Saved. %1 problem(s) were added to the problem list.</source>
        <translation>已保存，%1 个问题已加入问题清单。</translation>
    </message>
</context>
<context>
    <name>Task</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>UserAdminDialog</name>
    <message>
        <source>User Management</source>
        <translation>用户管理</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last login</source>
        <translation>最近登录</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Reset Password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <source>Change Role…</source>
        <translation>修改角色…</translation>
    </message>
    <message>
        <source>Disable / Enable</source>
        <translation>停用 / 启用</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从未登录</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>请先选择一个用户。</translation>
    </message>
    <message>
        <source>Reset Password</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <source>New password for %1 (at least 8 characters)</source>
        <translation>%1 的新密码（至少 8 个字符）</translation>
    </message>
</context>
<context>
    <name>VisitsPage</name>
    <message>
        <source>Visit Record</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>疑点</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>后续跟进</translation>
    </message>
</context>
<context>
    <name>WagesPage</name>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Close Month and Print Payroll…</source>
        <translation>结账并打印花名册…</translation>
    </message>
    <message>
        <source>Store this month's wages, lock its attendance and print the payroll for signatures</source>
        <translation>保存本月补贴计算结果、锁定本月考勤，并打印工资发放花名册供签字</translation>
    </message>
    <message>
        <source>Print Payroll…</source>
        <translation>打印花名册…</translation>
    </message>
    <message>
        <source>Public Notice…</source>
        <translation>公示名单…</translation>
    </message>
    <message>
        <source>Bank Disbursement List…</source>
        <translation>银行代发表…</translation>
    </message>
    <message>
        <source>Annual Summary…</source>
        <translation>年度汇总…</translation>
    </message>
    <message>
        <source>Wage Rules…</source>
        <translation>补贴规则…</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Post</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <source>Days in post</source>
        <translation>在岗天数</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>应出勤</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>出勤</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>请假</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>旷工</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等次</translation>
    </message>
    <message>
        <source>Red flags</source>
        <translation>红旗</translation>
    </message>
    <message>
        <source>Yellow flags</source>
        <translation>黄旗</translation>
    </message>
    <message>
        <source>Base</source>
        <translation>应发</translation>
    </message>
    <message>
        <source>Deductions</source>
        <translation>扣款</translation>
    </message>
    <message>
        <source>Bonuses and corrections</source>
        <translation>奖励及更正</translation>
    </message>
    <message>
        <source>Amount paid</source>
        <translation>实发金额</translation>
    </message>
    <message>
        <source>No attendance</source>
        <translation>未录入考勤</translation>
    </message>
    <message>
        <source>Revocation proposed (yellow flags)</source>
        <translation>建议撤岗（黄旗过多）</translation>
    </message>
    <message>
        <source>No attendance entered this month</source>
        <translation>本月未录入考勤</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>%1: closed %2 by %3 — the stored payroll is shown</source>
        <translation>%1：已于 %2 由 %3 关账 — 显示的是已保存的工资表</translation>
    </message>
    <message>
        <source>%1: preview (not closed) — figures follow attendance and inspections</source>
        <translation>%1：试算（未关账）— 金额随考勤和考核变化</translation>
    </message>
    <message>
        <source>No attendance entered for %1 workers: %2</source>
        <translation>有 %1 人未录入考勤：%2</translation>
    </message>
    <message>
        <source>Revocation proposed (too many yellow flags): %1</source>
        <translation>建议撤销岗位（黄旗过多）：%1</translation>
    </message>
    <message>
        <source>Total: %1 workers · base %2 · deductions %3 · bonuses %4 · paid %5 yuan</source>
        <translation>合计：%1 人 · 应发 %2 · 扣款 %3 · 奖励及更正 %4 · 实发 %5 元</translation>
    </message>
    <message>
        <source>Computation</source>
        <translation>计算明细</translation>
    </message>
    <message>
        <source>Computation for %1 (%2, %3)</source>
        <translation>%1 的计算明细（%2，%3）</translation>
    </message>
    <message>
        <source>Sum of the lines = amount paid: %1 yuan</source>
        <translation>各项合计 = 实发金额：%1 元</translation>
    </message>
    <message>
        <source>Close Month</source>
        <translation>关账</translation>
    </message>
    <message>
        <source>Nobody was in post in %1.</source>
        <translation>%1没有在岗人员。</translation>
    </message>
    <message>
        <source>Close %1 for the whole township?

%2 workers, amount paid %3 yuan.

The wages are stored as computed now, the month's attendance is locked (later changes need a reason and become corrections in the next month), and the payroll is printed for signatures.</source>
        <translation>对全乡镇%1关账吗？

共 %2 人，实发合计 %3 元。

补贴按现在的计算结果保存，该月考勤锁定（以后修改须填写原因，并作为更正计入下月），随后打印工资发放花名册供签字。</translation>
    </message>
    <message>
        <source>Careful: %1 has not ended yet.</source>
        <translation>注意：%1尚未结束。</translation>
    </message>
    <message>
        <source>No attendance was entered for %1 workers (%2). They are not paid this month; attendance entered later is paid as a correction in the next open month. Close the month anyway?</source>
        <translation>有 %1 人未录入考勤（%2），本月不计发其补贴；以后补录的考勤将作为更正计入下一个未关账月份发放。仍要关账吗？</translation>
    </message>
    <message>
        <source>Closing %1…</source>
        <translation>正在为%1关账…</translation>
    </message>
    <message>
        <source>Close Month and Print Payroll</source>
        <translation>结账并打印花名册</translation>
    </message>
</context>
<context>
    <name>YearDialog</name>
    <message>
        <source>Arrangement Details of %1</source>
        <translation>%1 年度整理信息</translation>
    </message>
    <message>
        <source>Checked</source>
        <translation>已检查</translation>
    </message>
    <message>
        <source>Archiving date</source>
        <translation>归档日期</translation>
    </message>
    <message>
        <source>Arranged by</source>
        <translation>整理人</translation>
    </message>
    <message>
        <source>Checked by</source>
        <translation>检查人</translation>
    </message>
    <message>
        <source>Check date</source>
        <translation>检查日期</translation>
    </message>
</context>
<context>
    <name>_CodesPage</name>
    <message>
        <source>Codes</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>The fonds number is given by the county archive; the division code is the township's statistical code. Both can be filled in later.</source>
        <translation>全宗号由县档案馆给定；行政区划代码是本乡镇的统计用区划代码。两项都可以以后再填。</translation>
    </message>
    <message>
        <source>letters and digits, e.g. Z012</source>
        <translation>字母或数字，例如 Z012</translation>
    </message>
    <message>
        <source>12 digits, e.g. 522727104000 (or 9 or 6 digits)</source>
        <translation>12位数字，例如 522727104000（也可填9位或6位）</translation>
    </message>
    <message>
        <source>Fonds number:</source>
        <translation>全宗号：</translation>
    </message>
    <message>
        <source>Administrative division code:</source>
        <translation>行政区划代码：</translation>
    </message>
    <message>
        <source>The fonds number may only hold 1–16 letters or digits (e.g. Z012).</source>
        <translation>全宗号只能由1—16个字母或数字组成（例如 Z012）。</translation>
    </message>
</context>
<context>
    <name>_FolderPage</name>
    <message>
        <source>Data Folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>The database, the scanned documents and the automatic backups are kept in this folder.</source>
        <translation>数据库、扫描件和自动备份都保存在这个文件夹中。</translation>
    </message>
    <message>
        <source>The database is already open; to use another folder, open or create a database there (File ▸ Open Database…).</source>
        <translation>数据库已经打开；如需使用其他文件夹，请在那里打开或新建数据库（文件 ▸ 打开数据库…）。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Backups go to the “backups” folder inside it.</source>
        <translation>自动备份保存在其中的“backups”文件夹里。</translation>
    </message>
    <message>
        <source>Choose Data Folder</source>
        <translation>选择数据文件夹</translation>
    </message>
    <message>
        <source>Cannot write to this folder; choose another one.</source>
        <translation>无法写入这个文件夹，请选择其他文件夹。</translation>
    </message>
</context>
<context>
    <name>_RuleEditor</name>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>empty: daily rate</source>
        <translation>空：按日补贴</translation>
    </message>
</context>
<context>
    <name>_StartPage</name>
    <message>
        <source>Get Started</source>
        <translation>开始使用</translation>
    </message>
    <message>
        <source>Bring in the households now, or try the program first.</source>
        <translation>现在导入户信息，或者先试用本程序。</translation>
    </message>
    <message>
        <source>Import the national monitoring system's export (Excel)</source>
        <translation>导入国家防返贫监测系统导出的数据（Excel）</translation>
    </message>
    <message>
        <source>Load a demo township (its own names and codes) to try the program</source>
        <translation>加载示例乡镇试用本程序（示例乡镇使用它自己的名称和代码）</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>以后再说</translation>
    </message>
</context>
<context>
    <name>_TownshipPage</name>
    <message>
        <source>Township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <source>The township this installation keeps the ledgers of. Ledgers and archive documents print these names.</source>
        <translation>本程序为哪个乡镇管理台账。台账和档案文件上会印这些名称。</translation>
    </message>
    <message>
        <source>e.g. Qinghe Town</source>
        <translation>例如 清河镇</translation>
    </message>
    <message>
        <source>e.g. Pingtang County</source>
        <translation>例如 平塘县</translation>
    </message>
    <message>
        <source>Township name:</source>
        <translation>乡镇名称：</translation>
    </message>
    <message>
        <source>County:</source>
        <translation>所属县（区、市）：</translation>
    </message>
</context>
</TS>