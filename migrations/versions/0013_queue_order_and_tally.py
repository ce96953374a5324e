"""the nominations queue: an index of its order, and a tally of each intake's nominations by status

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
    op.create_table(
        "nomination_tally",
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("submitted", "accepted", "waitlisted", "declined", "withdrawn",
                                    name="nominationstatus", native_enum=False, length=20), nullable=False),
        sa.Column("nominations", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("substitutions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["intake_id"], ["intake.id"], name=op.f("fk_nomination_tally_intake_id_intake"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("intake_id", "status", name=op.f("pk_nomination_tally")),
    )
    # Every intake's nominations as they stand (app.intakes.tally.recount, in SQL).
    op.execute(
        "INSERT INTO nomination_tally (intake_id, status, nominations, offered, substitutions) "
        "SELECT intake_id, status, count(*), "
        "count(CASE WHEN status = 'waitlisted' THEN offered_at END), count(substitution_requested_at) "
        "FROM nomination GROUP BY intake_id, status"
    )


def downgrade():
    op.drop_table("nomination_tally")
    op.drop_index("ix_nomination_queue", table_name="nomination")
