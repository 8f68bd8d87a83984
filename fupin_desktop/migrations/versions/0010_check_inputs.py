"""check inputs: member 职工医保, 未上学原因, 享受低保/特困; household 风险消除后人均纯收入

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employee_medical_insurance', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('out_of_school_reason', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('low_income_support', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('extreme_poverty_support', sa.Boolean(), nullable=True))
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('elimination_per_capita', sa.Numeric(precision=12, scale=2),
                                      nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_column('elimination_per_capita')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('extreme_poverty_support')
        batch_op.drop_column('low_income_support')
        batch_op.drop_column('out_of_school_reason')
        batch_op.drop_column('employee_medical_insurance')
