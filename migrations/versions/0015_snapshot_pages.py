"""report snapshots keep their tables a page at a time (old ones are dropped, to be counted again)

Revision ID: 0015
Revises: 0014
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM report_snapshot")


def downgrade():
    op.execute("DELETE FROM report_snapshot")
