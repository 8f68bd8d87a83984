"""archive year seal: archive_years.content_hash (the closed years sealed), period_corrections,
triggers keeping a closed archive year's records read-only

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 06:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('archive_years', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
    op.create_table('period_corrections',
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('user', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_period_corrections'))
    )
    conn = op.get_bind()
    from sqlalchemy.orm import Session

    from fupin_desktop.services.closures import year_digest

    years = sa.Table('archive_years', sa.MetaData(), autoload_with=conn)
    with Session(bind=conn) as s:  # seal the years closed so far, as they stand now
        for yid, year in conn.execute(sa.select(years.c.id, years.c.year)
                                      .where(years.c.closed.is_(True))).all():
            conn.execute(years.update().where(years.c.id == yid)
                         .values(content_hash=year_digest(s, year)))
    from fupin_desktop.models.triggers import year_statements

    for sql in year_statements(conn.dialect.name):
        conn.exec_driver_sql(sql.replace('%', '%%'))


def downgrade() -> None:
    conn = op.get_bind()
    from fupin_desktop.models.triggers import drop_year_statements

    for sql in drop_year_statements(conn.dialect.name):
        conn.exec_driver_sql(sql)
    op.drop_table('period_corrections')
    with op.batch_alter_table('archive_years', schema=None) as batch_op:
        batch_op.drop_column('content_hash')
