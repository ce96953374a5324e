"""Reports: the programme team's overview, a council lead's people, a facilitator's cohort.

Everything here reads; nothing writes. Figures come from grouped SQL queries over whole
pages of rows at once, so each page costs the same number of queries at any size.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__)
