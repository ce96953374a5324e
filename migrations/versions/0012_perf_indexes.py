"""indexes for the reports: enrolments by nomination and by transfer, cohorts by facilitator

Revision ID: 0012
Revises: 0011
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_nomination_id"), ["nomination_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolment_transferred_to_id"), ["transferred_to_id"], unique=False)
    with op.batch_alter_table("cohort_facilitator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_facilitator_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("cohort_facilitator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_facilitator_user_id"))
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_transferred_to_id"))
        batch_op.drop_index(batch_op.f("ix_enrolment_nomination_id"))
