"""session versions and queued password reset requests

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 14:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Existing cookies carry only the account id, so everyone signs in again once.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.String(length=32), nullable=False, server_default='initial'))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('session_version', server_default=None)

    op.create_table('password_reset_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_request'))
    )


def downgrade():
    op.drop_table('password_reset_request')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
