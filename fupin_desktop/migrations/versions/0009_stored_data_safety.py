"""stored-data safety: audit hash chain, sealed month closures, operation locks, triggers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 17:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('post_month_closures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
    op.create_table('operation_locks',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.Column('user', sa.String(length=64), nullable=False),
    sa.Column('host', sa.String(length=100), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_operation_locks'))
    )
    conn = op.get_bind()
    # chain the entries written so far, and seal the months closed so far
    from fupin_desktop.audit_events import chain_rows_in

    audit = sa.Table('audit_log', sa.MetaData(), autoload_with=conn)
    chain_rows_in(conn, audit)
    from sqlalchemy.orm import Session

    from fupin_desktop.services.closures import month_digest

    closures = sa.Table('post_month_closures', sa.MetaData(), autoload_with=conn)
    with Session(bind=conn) as s:
        for cid, run_id in conn.execute(sa.select(closures.c.id, closures.c.run_id)).all():
            conn.execute(closures.update().where(closures.c.id == cid)
                         .values(content_hash=month_digest(s, run_id)))
    from fupin_desktop.models.triggers import month_statements

    for sql in month_statements(conn.dialect.name):
        conn.exec_driver_sql(sql.replace('%', '%%'))


def downgrade() -> None:
    conn = op.get_bind()
    from fupin_desktop.models.triggers import drop_month_statements

    for sql in drop_month_statements(conn.dialect.name):
        conn.exec_driver_sql(sql)
    op.drop_table('operation_locks')
    with op.batch_alter_table('post_month_closures', schema=None) as batch_op:
        batch_op.drop_column('content_hash')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
