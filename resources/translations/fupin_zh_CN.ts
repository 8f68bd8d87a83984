<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
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
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome</source>
        <translation>欢迎使用</translation>
    </message>
    <message>
        <source>The database is empty.

Load a demo township to try the program, or import the national monitoring system's export (Excel).</source>
        <translation>数据库中还没有数据。

可以先加载示例乡镇熟悉本程序，也可以导入全国防返贫监测信息系统导出的 Excel 数据。</translation>
    </message>
    <message>
        <source>Load Demo Data</source>
        <translation>加载示例数据</translation>
    </message>
    <message>
        <source>Import Data…</source>
        <translation>导入数据…</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>以后再说</translation>
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
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <source>%1 villages · %2 households · %3 members</source>
        <translation>%1 个行政村 · %2 户 · %3 人</translation>
    </message>
    <message>
        <source>Opening database…</source>
        <translation>正在打开数据库…</translation>
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
        <source>Restore from Backup</source>
        <translation>从备份恢复</translation>
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
    <message>
        <source>%1 %2

Ledgers, public-welfare posts, medical relief and year-end archives for township rural-revitalisation offices.

Database: %3</source>
        <translation>%1 %2

乡镇乡村振兴办公室的台账、公益性岗位、医疗救助与年度归档管理。

数据库：%3</translation>
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
    <name>gui</name>
    <message>
        <source>Cannot open database</source>
        <translation>无法打开数据库</translation>
    </message>
</context>
</TS>