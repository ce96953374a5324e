"""Reports: the programme team's overview, a council lead's people, a facilitator's cohort.

Figures come from grouped SQL queries over whole pages of rows at once, so each page costs
the same number of queries at any size. The programme team's overview, intake report and
places by council read figures counted ahead instead (`snapshots`, the one thing here that
writes), since counting them grows with the programme; their CSVs count live.
"""

from flask import Blueprint

from app.reports import markup

bp = Blueprint("reports", __name__)
bp.add_app_template_global(markup.chart, "chart")
bp.add_app_template_global(markup.figures_table, "figures_table")
