"""cohort changes: a row for each write that changed what a cohort's pages show

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cohort_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_cohort_change_cohort_id_cohort"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_change")),
    )
    op.create_index("ix_cohort_change_cohort_at", "cohort_change", ["cohort_id", "at"])


def downgrade():
    op.drop_index("ix_cohort_change_cohort_at", table_name="cohort_change")
    op.drop_table("cohort_change")
