"""Scoring a quiz: pure functions of the questions and the answers, so they can be proved.

A question is answered correctly when exactly its correct options are chosen (all of them
for a multiple-answer question, none of the others). Options are compared by id, so the
order they were shown in can never change a score.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

Question = Mapping[str, Any]


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    chosen: frozenset[str]
    correct: bool


@dataclass(frozen=True)
class QuizScore:
    results: tuple[QuestionResult, ...]
    pass_mark: int

    @property
    def right(self) -> int:
        return sum(1 for result in self.results if result.correct)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def percent(self) -> int:
        """The share of questions answered correctly, rounded down to a whole percentage.

        Rounded down so that the figure shown passes exactly when the score does: 79.9% is
        shown as 79% and does not pass a mark of 80%.
        """
        return 0 if not self.total else (100 * self.right) // self.total

    @property
    def passed(self) -> bool:
        return 100 * self.right >= self.pass_mark * self.total


def score(questions: Sequence[Question], answers: Mapping[str, Sequence[str]], pass_mark: int) -> QuizScore:
    """Mark `answers` ({question id: [option id, ...]}) against the questions."""
    results = []
    for question in questions:
        chosen = frozenset(answers.get(question["id"], ()))
        results.append(QuestionResult(question["id"], chosen, chosen == frozenset(question["correct"])))
    return QuizScore(tuple(results), pass_mark)


def shuffled_options(questions: Sequence[Question], rng: random.Random | None = None) -> dict[str, list[str]]:
    """A fresh order of each question's option ids, to remember for one attempt."""
    rng = rng or random.SystemRandom()
    order = {}
    for question in questions:
        ids = [option_id for option_id, _ in question["options"]]
        rng.shuffle(ids)
        order[question["id"]] = ids
    return order


def answer_problem(question: Question, position: int, chosen: Sequence[str]) -> str | None:
    """Why these choices are not an answer to the question, or None if they are."""
    ids = {option_id for option_id, _ in question["options"]}
    if not chosen:
        if question["type"] == "single":
            return f"Select an answer to question {position}"
        return f"Select at least one answer to question {position}"
    if any(choice not in ids for choice in chosen) or len(set(chosen)) != len(chosen):
        return f"Choose from the options given for question {position}"
    if question["type"] == "single" and len(chosen) != 1:
        return f"Select only one answer to question {position}"
    return None
