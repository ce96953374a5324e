"""course versions say how many live sessions a cohort holds

Revision ID: 0011
Revises: 0010

Versions imported before this plan one session: attendance then settles only once a
session has been held and marked, never with none.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_sessions", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("course_version", schema=None) as batch_op:
        batch_op.alter_column("live_sessions", server_default=None)


def downgrade():
    with op.batch_alter_table("course_version", schema=None) as batch_op:
        batch_op.drop_column("live_sessions")
