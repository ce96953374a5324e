"""outbox expiry and a shared sending pace

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:31:50.468224

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_pace',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('next_slot_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_pace'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('expires_at')

    op.drop_table('mail_pace')
