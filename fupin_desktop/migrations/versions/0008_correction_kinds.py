"""correction kinds: attendance corrections may also come from a yellow flag's rectification

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('post_attendance_corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='attendance',
                                      nullable=False))
        batch_op.add_column(sa.Column('inspection_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_post_attendance_corrections_inspection_id_post_inspections'),
            'post_inspections', ['inspection_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('post_attendance_corrections', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_post_attendance_corrections_inspection_id_post_inspections'),
            type_='foreignkey')
        batch_op.drop_column('inspection_id')
        batch_op.drop_column('kind')
