"""Signals that let one package react to another's writes without importing it.

The writers of progress (cohorts' registers, courses' lessons, assessments' quizzes and
marks) send `progress_recorded`; certificates listen and issue the moment the last
criterion is met. So progress never imports certificates, and completion may read them all.
"""

from blinker import Namespace

_signals = Namespace()

#: Sent after a write that may complete a course, with `enrolments` (the enrolments whose
#: progress changed) and `actor` (the person who made the change, or None for the service).
progress_recorded = _signals.signal("progress-recorded")
