"""Scoring, proved over many generated quizzes: 0 to 100, all right is 100, order never matters."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from app.assessments.scoring import answer_problem, score, shuffled_options

OPTION_IDS = ["a", "b", "c", "d", "e"]


@st.composite
def questions(draw, index: int = 0):
    count = draw(st.integers(min_value=3, max_value=5))
    ids = OPTION_IDS[:count]
    kind = draw(st.sampled_from(["single", "multiple"]))
    if kind == "single":
        correct = [draw(st.sampled_from(ids))]
    else:
        correct = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=count, unique=True))
    return {"id": f"q{index}", "type": kind, "prompt": "?", "options": [[i, f"Option {i}"] for i in ids],
            "correct": correct, "explanation": "."}


@st.composite
def quizzes(draw):
    count = draw(st.integers(min_value=1, max_value=12))
    return [draw(questions(index=n)) for n in range(count)]


@st.composite
def quiz_and_answers(draw):
    quiz = draw(quizzes())
    answers = {}
    for question in quiz:
        ids = [option_id for option_id, _ in question["options"]]
        size = 1 if question["type"] == "single" else None
        answers[question["id"]] = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=size or len(ids), unique=True))
    return quiz, answers


@given(quiz_and_answers(), st.integers(min_value=0, max_value=100))
def test_a_score_is_always_between_0_and_100(case, pass_mark):
    quiz, answers = case
    assert 0 <= score(quiz, answers, pass_mark).percent <= 100


@given(quizzes(), st.integers(min_value=0, max_value=100))
def test_answering_everything_correctly_scores_100_and_passes(quiz, pass_mark):
    result = score(quiz, {q["id"]: list(q["correct"]) for q in quiz}, pass_mark)
    assert result.percent == 100
    assert result.passed


@given(quiz_and_answers(), st.integers(min_value=0, max_value=100), st.randoms(use_true_random=False))
def test_the_order_of_the_options_never_changes_a_score(case, pass_mark, rng):
    quiz, answers = case
    shuffled = []
    for question in quiz:
        options = list(question["options"])
        rng.shuffle(options)
        chosen = list(answers[question["id"]])
        rng.shuffle(chosen)
        shuffled.append({**question, "options": options, "correct": rng.sample(question["correct"], len(question["correct"]))})
        answers = {**answers, question["id"]: chosen}
    assert score(shuffled, answers, pass_mark) == score(quiz, answers, pass_mark)


@given(quiz_and_answers(), st.integers(min_value=0, max_value=100))
def test_the_percentage_shown_passes_exactly_when_the_score_does(case, pass_mark):
    quiz, answers = case
    result = score(quiz, answers, pass_mark)
    assert result.passed == (result.percent >= pass_mark)


@given(quizzes())
def test_a_shuffle_keeps_every_option_of_every_question(quiz):
    order = shuffled_options(quiz, random.Random(7))
    assert {q["id"]: sorted(order[q["id"]]) for q in quiz} == {q["id"]: sorted(o for o, _ in q["options"]) for q in quiz}


MULTIPLE = {"id": "q", "type": "multiple", "prompt": "?", "options": [["a", "A"], ["b", "B"], ["c", "C"]],
            "correct": ["a", "b"], "explanation": "."}
SINGLE = {**MULTIPLE, "type": "single", "correct": ["b"]}


def test_a_multiple_answer_question_needs_exactly_the_correct_options():
    assert score([MULTIPLE], {"q": ["a", "b"]}, 100).percent == 100
    assert score([MULTIPLE], {"q": ["a"]}, 100).percent == 0
    assert score([MULTIPLE], {"q": ["a", "b", "c"]}, 100).percent == 0


def test_two_of_three_right_is_66_percent_and_passes_a_mark_of_66_but_not_67():
    quiz = [{**SINGLE, "id": f"q{n}"} for n in range(3)]
    answers = {"q0": ["b"], "q1": ["b"], "q2": ["a"]}
    assert score(quiz, answers, 66).percent == 66
    assert score(quiz, answers, 66).passed
    assert not score(quiz, answers, 67).passed


def test_answers_that_are_not_answers_are_named_for_their_question():
    assert answer_problem(SINGLE, 3, []) == "Select an answer to question 3"
    assert answer_problem(MULTIPLE, 2, []) == "Select at least one answer to question 2"
    assert answer_problem(SINGLE, 1, ["z"]) == "Choose from the options given for question 1"
    assert answer_problem(MULTIPLE, 1, ["a", "a"]) == "Choose from the options given for question 1"
    assert answer_problem(SINGLE, 4, ["a", "b"]) == "Select only one answer to question 4"
    assert answer_problem(MULTIPLE, 1, ["a", "c"]) is None
