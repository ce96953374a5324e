"""one-time form tokens, so that a create form sent twice creates one thing

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_token',
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_form_token'))
    )
    with op.batch_alter_table('form_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_token_claimed_at'), ['claimed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('form_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_token_claimed_at'))

    op.drop_table('form_token')
