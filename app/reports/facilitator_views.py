"""The cohort dashboard, for the cohort's facilitators and the programme team."""
