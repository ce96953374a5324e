"""Reading a module's assessment files: a quiz (`.yaml`, with its questions) or an assignment
(`.md`, a brief with front matter), checked and turned into plain content."""

from __future__ import annotations

from typing import Callable

from app.courses.checks import SLUG, SLUG_HINT, FileCheck, FrontMatterDocument, Mapping, Sequence
from app.courses.content import MAX_ATTEMPTS, MAX_OFFSET_DAYS, TITLE_LENGTH, AssessmentContent

QUESTION_TYPES = ("single", "multiple")
MIN_OPTIONS, MAX_OPTIONS = 3, 5


def read_questions(check: FileCheck, quiz: Mapping) -> list[dict] | None:
    """Each question as {"id", "type", "prompt", "options": [[id, text], ...], "correct", "explanation"}."""
    entries = check.sequence(quiz, "questions")
    if entries is None:
        return None
    questions = []
    first_line: dict[str, int] = {}
    for value, line in zip(entries, entries.item_lines):
        question = check.mapping(value, line, "Each question")
        if question is None:
            continue
        check.keys(question, ("id", "type", "prompt", "options", "correct", "explanation"))
        question_id = check.slug(question, "id")
        if question_id in first_line:
            check.add(
                question.value_lines["id"],
                f'the question id "{question_id}" is used twice (also on line {first_line[question_id]})',
            )
        elif question_id is not None:
            first_line[question_id] = question.value_lines["id"]
        kind = question.get("type")
        if "type" in question and kind not in QUESTION_TYPES:
            check.add(question.value_lines["type"], f'"type" must be single or multiple, not {kind!r}')
        options = _options(check, question)
        correct = _correct(check, question, options, kind)
        questions.append(
            {
                "id": question_id,
                "type": kind,
                "prompt": check.text(question, "prompt"),
                "options": options,
                "correct": correct,
                "explanation": check.text(question, "explanation"),
            }
        )
    return questions


def _options(check: FileCheck, question: Mapping) -> list[list[str]]:
    """[[option id, text], ...] in the file's order."""
    if "options" not in question:
        return []
    line = question.value_lines["options"]
    options = check.mapping(question["options"], line, '"options"')
    if options is None:
        return []
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        check.add(line, f"a question needs from {MIN_OPTIONS} to {MAX_OPTIONS} options, not {len(options)}")
    found = []
    for option_id, text in options.items():
        key_line = options.key_lines[option_id]
        if not isinstance(option_id, str) or not SLUG.match(option_id):
            check.add(key_line, f"the option id {option_id!r} must be {SLUG_HINT}, such as a, b, c")
            continue
        if not isinstance(text, str) or not text.strip():
            check.add(options.value_lines[option_id], f'option "{option_id}" must be text')
            continue
        found.append([option_id, text.strip()])
    return found


def _correct(check: FileCheck, question: Mapping, options: list[list[str]], kind) -> list[str]:
    """The correct option ids, each of them one of the options."""
    if "correct" not in question:
        return []
    line = question.value_lines["correct"]
    value = question["correct"]
    if not isinstance(value, Sequence) or not value:
        check.add(line, f'"correct" must be a list of option ids, like [b], not {value!r}')
        return []
    option_ids = [option_id for option_id, _ in options]
    correct: list[str] = []
    for answer, answer_line in zip(value, value.item_lines):
        if answer in correct:
            check.add(answer_line, f'the correct answer "{answer}" is given twice')
        elif answer not in option_ids:
            choices = ", ".join(option_ids) or "none"
            check.add(answer_line, f'the correct answer "{answer}" is not one of the options ({choices})')
        else:
            correct.append(answer)
    if kind == "single" and len(value) != 1:
        check.add(line, f"a single-answer question must have exactly one correct answer, not {len(value)}")
    return correct


def read_quiz(check: FileCheck, text: str, slug: str, required: bool) -> AssessmentContent | None:
    """A quiz file's content; None, with the problems on `check`, if it is not sound."""
    quiz = check.mapping(check.load_yaml(text), 1, "A quiz")
    if quiz is None:
        return None
    check.keys(quiz, ("title", "pass_mark", "attempts", "questions"))
    return AssessmentContent(
        slug=slug,
        kind="quiz",
        title=check.text(quiz, "title", TITLE_LENGTH),
        required=required,
        pass_mark=check.integer(quiz, "pass_mark", 0, 100),
        attempts=check.integer(quiz, "attempts", 1, MAX_ATTEMPTS),
        questions=read_questions(check, quiz),
    )


def read_assignment(
    check: FileCheck, document: FrontMatterDocument, slug: str, required: bool, module_opens: int | None,
    brief_html: Callable[[], str | None],
) -> AssessmentContent:
    """An assignment file's content; its problems go on `check`. `brief_html` renders the brief."""
    meta = document.meta
    check.keys(meta, ("title", "due_after_days"), ("criteria",))
    due = check.integer(meta, "due_after_days", 0, MAX_OFFSET_DAYS)
    if due is not None and module_opens is not None and due < module_opens:
        check.add(
            meta.value_lines["due_after_days"],
            f'"due_after_days" ({due}) is before the module opens (day {module_opens})',
        )
    return AssessmentContent(
        slug=slug,
        kind="assignment",
        title=check.text(meta, "title", TITLE_LENGTH),
        required=required,
        due_after_days=due,
        criteria=_criteria(check, meta),
        brief_html=brief_html(),
    )


def _criteria(check: FileCheck, meta: Mapping) -> list[str] | None:
    if "criteria" not in meta:
        return None
    entries = check.sequence(meta, "criteria")
    criteria = []
    for value, line in zip(entries, entries.item_lines) if entries is not None else ():
        if isinstance(value, str) and value.strip():
            criteria.append(value.strip())
        else:
            check.add(line, "each of the criteria must be a short sentence of text")
    return criteria
