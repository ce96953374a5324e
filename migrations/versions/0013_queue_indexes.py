"""indexes for the nominations queue: its order, and its counts by status

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nomination_counts", ["intake_id", "status", "offered_at", "substitution_requested_at"], unique=False
        )
    # The queue's order (app.intakes.models.QUEUE_ORDER), expression for expression.
    op.create_index(
        "ix_nomination_queue",
        "nomination",
        [
            sa.text("(coalesce(offered_at, substitution_requested_at) IS NULL)"),
            sa.text("(waitlist_position IS NULL)"),
            "waitlist_position",
            "created_at",
            "id",
        ],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_nomination_queue", table_name="nomination")
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_index("ix_nomination_counts")
