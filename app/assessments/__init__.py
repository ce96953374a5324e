"""Assessments: quizzes marked automatically, assignments marked by facilitators, the gradebook."""
