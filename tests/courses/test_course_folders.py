"""Reading and checking course folders: every problem, each with its file and line, in one run."""

from __future__ import annotations

import shutil

import pytest

from app.courses.course_folders import load_courses
from tests.courses.conftest import BROKEN, GOOD, edit


def problems_of(path) -> list[str]:
    return [str(problem) for problem in load_courses(path).problems]


def test_the_good_fixture_course_loads_with_no_problems():
    report = load_courses(GOOD)
    assert report.problems == []
    [course] = report.courses
    assert (course.slug, course.title, course.label, course.attendance_threshold, course.live_sessions) == (
        "leading-change",
        "Leading change",
        "2027.1",
        75,
        4,
    )
    assert [m.slug for m in course.modules] == ["01-user-needs", "02-delivery"]
    first, second = course.modules
    assert (first.hours, first.opens_after_days, first.due_after_days) == (2.5, 0, 14)
    assert [(l.slug, l.minutes, l.required) for l in first.lessons] == [
        ("01-what-a-need-is", 10, True),
        ("02-finding-out", 15, False),
    ]
    [quiz] = first.assessments
    assert (quiz.kind, quiz.pass_mark, quiz.attempts) == ("quiz", 50, 2)
    assert quiz.questions[1]["options"][0] == ["a", "Watching people use the service"]
    assert quiz.questions[1]["correct"] == ["a", "b", "d"]
    [assignment] = second.assessments
    assert (assignment.kind, assignment.due_after_days) == ("assignment", 28)
    assert assignment.criteria == [
        "Names the users the change is for",
        "Says how the team will know it worked",
    ]
    assert "<h2>What to do</h2>" in assignment.brief_html
    assert list(course.images) == ["01-user-needs/images/journey.png"]
    assert course.images["01-user-needs/images/journey.png"].media_type == "image/png"


def test_a_single_course_folder_loads_as_well_as_a_folder_of_courses():
    assert [c.slug for c in load_courses(GOOD / "leading-change").courses] == ["leading-change"]


def test_the_content_hash_is_stable_and_changes_with_any_file(courses_folder):
    first = load_courses(courses_folder).courses[0].content_hash
    assert load_courses(courses_folder).courses[0].content_hash == first
    edit(courses_folder / "leading-change/02-delivery/01-small-steps.md", "Release early", "Release earlier")
    assert load_courses(courses_folder).courses[0].content_hash != first


def test_every_problem_in_the_broken_course_is_reported_with_file_and_line_in_one_run():
    assert problems_of(BROKEN) == [
        "broken-course/01-first/01-here.md:3: \"minutes\" must be a whole number, not 'soon'",
        "broken-course/01-first/01-here.md:5: use headings from ## down: the title from the front matter is the page's only level 1 heading",
        'broken-course/01-first/01-here.md:7: the image "images/nowhere.png" does not exist in the course folder',
        'broken-course/01-first/01-here.md:7: the image "images/nowhere.png" needs a description of what it shows: ![description](images/nowhere.png)',
        'broken-course/01-first/01-here.md:9: the link "02-gone.md" must be a web address (https://...) or an email address (mailto:...)',
        "broken-course/01-first/module.yaml:1: notes.md is in the module's folder but not listed under lessons or assessments",
        'broken-course/01-first/module.yaml:5: "due_after_days" (3) must not be before "opens_after_days" (7)',
        "broken-course/01-first/module.yaml:8: the lesson file 02-gone.md does not exist in this module's folder",
        "broken-course/01-first/module.yaml:9: lesson 01-here.md is listed twice (also on line 7)",
        'broken-course/01-first/quiz.yaml:2: "pass_mark" must be from 0 to 100, not 120',
        'broken-course/01-first/quiz.yaml:3: "attempts" must be from 1 to 100, not 0',
        'broken-course/01-first/quiz.yaml:12: the correct answer "d" is not one of the options (a, b, c)',
        'broken-course/01-first/quiz.yaml:14: the question id "q-one" is used twice (also on line 5)',
        "broken-course/01-first/quiz.yaml:18: a question needs from 3 to 5 options, not 2",
        'broken-course/01-first/quiz.yaml:22: unknown key "hint" (the keys allowed here are: id, type, prompt, options, correct, explanation)',
        "broken-course/02-second/module.yaml:3: this is not valid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence that starts on line 2)",
        'broken-course/course.yaml:5: unknown key "colour" (the keys allowed here are: slug, title, version, summary, modules, completion)',
        "broken-course/course.yaml:9: module 01-first is listed twice (also on line 7)",
        "broken-course/course.yaml:10: module 03-missing has no folder 03-missing/ with a module.yaml in it",
    ]
    assert load_courses(BROKEN).courses == []


def test_a_sound_course_still_loads_beside_a_broken_one(tmp_path):
    shutil.copytree(GOOD, tmp_path, dirs_exist_ok=True)
    shutil.copytree(BROKEN, tmp_path, dirs_exist_ok=True)
    report = load_courses(tmp_path)
    assert [c.slug for c in report.courses] == ["leading-change"]
    assert report.problems and all(p.file.startswith("broken-course/") for p in report.problems)


COURSE = "leading-change/course.yaml"
MODULE = "leading-change/01-user-needs/module.yaml"
LESSON = "leading-change/01-user-needs/01-what-a-need-is.md"
QUIZ = "leading-change/01-user-needs/quiz.yaml"
ASSIGNMENT = "leading-change/02-delivery/assignment.md"


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        (
            COURSE,
            "slug: leading-change",
            "slug: Leading Change",
            f'{COURSE}:1: "slug" must be lowercase letters, digits and single hyphens, like leading-change, not "Leading Change"',
        ),
        (
            COURSE,
            "slug: leading-change",
            "slug: another-course",
            f'{COURSE}:1: the slug "another-course" must be the folder\'s name, "leading-change"',
        ),
        (
            COURSE,
            'version: "2027.1"',
            "version: 2027.1",
            f'{COURSE}:3: "version" must be text (put it in quotes)',
        ),
        (
            COURSE,
            "attendance_threshold: 75",
            "attendance_threshold: 101",
            f'{COURSE}:7: "attendance_threshold" must be from 0 to 100, not 101',
        ),
        (
            COURSE,
            "live_sessions: 4",
            "live_sessions: 0",
            f'{COURSE}:8: "live_sessions" must be 1 or more, not 0',
        ),
        (COURSE, "  live_sessions: 4\n", "", f'{COURSE}:7: "live_sessions" is missing'),
        (
            COURSE,
            "completion:\n  attendance_threshold: 75\n  live_sessions: 4\n",
            "",
            f'{COURSE}:1: "completion" is missing',
        ),
        (COURSE, "title: Leading change\n", "", f'{COURSE}:1: "title" is missing'),
        (
            COURSE,
            "  - 02-delivery",
            "  - 2-delivery",
            f'{COURSE}:11: "2-delivery" is not a module folder name: two digits, a hyphen and a slug, like 01-why-digital',
        ),
        (MODULE, "hours: 2.5", "hours: 0", f'{MODULE}:4: "hours" must be a number greater than 0, not 0'),
        (
            MODULE,
            "hours: 2.5",
            "hours: 2.5\nhours: 3",
            f'{MODULE}:5: "hours" is given twice (also on line 4)',
        ),
        (
            MODULE,
            "    required: true",
            "    required: yes please",
            f"{MODULE}:12: \"required\" must be true or false, not 'yes please'",
        ),
        (
            MODULE,
            "  - file: quiz.yaml",
            "  - file: quiz.txt",
            f'{MODULE}:11: "quiz.txt" is not an assessment file: a quiz ending .yaml or an assignment ending .md',
        ),
        (
            LESSON,
            "---\ntitle: What a user need is",
            "title: What a user need is",
            f'{LESSON}:1: the file must start with front matter: a line "---", the keys, then "---"',
        ),
        (
            LESSON,
            "required: true",
            "required: true\nauthor: Sam",
            f'{LESSON}:5: unknown key "author" (the keys allowed here are: title, minutes, required)',
        ),
        (
            LESSON,
            "(images/journey.png)",
            "(https://example.com/journey.png)",
            f'{LESSON}:17: the image "https://example.com/journey.png" must be a file in the course folder',
        ),
        (
            LESSON,
            "(images/journey.png)",
            "(../../../secret.png)",
            f'{LESSON}:17: the image "../../../secret.png" is outside the course folder',
        ),
        (
            LESSON,
            "(images/journey.png)",
            "(images/journey.svg)",
            f'{LESSON}:17: the image "images/journey.svg" must be a PNG, JPEG, GIF or WebP file',
        ),
        (
            QUIZ,
            "    correct: [b]",
            "    correct: [a, b]",
            f"{QUIZ}:12: a single-answer question must have exactly one correct answer, not 2",
        ),
        (
            QUIZ,
            "    correct: [b]",
            "    correct: b",
            f"{QUIZ}:12: \"correct\" must be a list of option ids, like [b], not 'b'",
        ),
        (
            QUIZ,
            "    type: single",
            "    type: pick-one",
            f"{QUIZ}:6: \"type\" must be single or multiple, not 'pick-one'",
        ),
        (
            QUIZ,
            '    explanation: "A need',
            '    why: "A need',
            f'{QUIZ}:13: unknown key "why" (the keys allowed here are: id, type, prompt, options, correct, explanation)',
        ),
        (
            ASSIGNMENT,
            "due_after_days: 28",
            "due_after_days: 7",
            f'{ASSIGNMENT}:3: "due_after_days" (7) is before the module opens (day 14)',
        ),
    ],
)
def test_each_kind_of_mistake_is_reported_on_its_line(courses_folder, file, old, new, expected):
    edit(courses_folder / file, old, new)
    assert expected in problems_of(courses_folder)


def test_an_image_that_is_not_what_its_name_says_is_refused(courses_folder):
    (courses_folder / "leading-change/01-user-needs/images/journey.png").write_bytes(
        b"<script>alert(1)</script>"
    )
    assert problems_of(courses_folder) == [
        f'{LESSON}:17: the image "images/journey.png" is not really a PNG file'
    ]


def test_a_folder_that_is_not_a_course_is_reported(courses_folder):
    (courses_folder / "drafts").mkdir()
    assert problems_of(courses_folder) == [
        "drafts/course.yaml:1: this folder has no course.yaml: every folder here must be a course"
    ]


def test_without_a_readable_course_yaml_the_modules_are_still_checked(courses_folder):
    (courses_folder / COURSE).write_text("slug: [broken\n", encoding="utf-8")
    edit(courses_folder / QUIZ, "pass_mark: 50", "pass_mark: -1")
    problems = problems_of(courses_folder)
    assert problems[0] == f'{QUIZ}:2: "pass_mark" must be from 0 to 100, not -1'
    assert problems[1].startswith(f"{COURSE}:")


def test_a_module_folder_left_out_of_the_course_is_reported(courses_folder):
    edit(courses_folder / COURSE, "  - 02-delivery\n", "")
    assert problems_of(courses_folder) == [
        f"{COURSE}:10: the folder 02-delivery/ has a module.yaml but is not listed under modules"
    ]


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path):
    assert problems_of(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}:1: there is no folder here"]


def test_every_course_in_the_repository_validates(app):
    """The courses shipped in courses/ (what CI checks) have no problems."""
    assert problems_of(app.config["COURSES_DIR"]) == []


ODD_DOCUMENTS = [
    "",
    "[]",
    "42",
    "- a\n- b",
    "just words",
    "key: [unclosed",
    "\tkey: tab",
    "a: 1\na: 2",
    "lessons: [[a]]\nassessments: [[b], {file: [c]}]",
    "modules: {a: b}\nslug: [x]",
    "questions: [1, [2], {options: [a, b], correct: {x: 1}, type: [single]}]",
    "questions:\n  - options: {[a]: x, on: y, 3: z}\n    correct: [[a]]",
    "---\n---\n",
    "---\ntitle: [\n---\nbody",
    "---\ncriteria: other\ndue_after_days: -3\n---\n",
    "? [complex, key]\n: value",
    "&a [*a]",
]


@pytest.mark.parametrize("document", ODD_DOCUMENTS)
@pytest.mark.parametrize("file", [COURSE, MODULE, LESSON, QUIZ, ASSIGNMENT])
def test_odd_files_are_reported_and_never_crash_the_check(courses_folder, file, document):
    (courses_folder / file).write_text(document, encoding="utf-8")
    report = load_courses(courses_folder)
    assert report.problems and report.courses == []
    assert any(problem.file == file for problem in report.problems)


def test_a_file_that_is_not_utf8_is_reported_on_its_line(courses_folder):
    (courses_folder / LESSON).write_bytes(b"---\ntitle: x\nminutes: 1\n---\nCaf\xe9\n")
    assert problems_of(courses_folder) == [f"{LESSON}:5: the file must be saved as UTF-8 text"]


LONG_TITLE = "A" * 201


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        (MODULE, "hours: 2.5", "hours: .nan", f'{MODULE}:4: "hours" must be 1000 or less, not .nan'),
        (MODULE, "hours: 2.5", "hours: .inf", f'{MODULE}:4: "hours" must be 1000 or less, not .inf'),
        (MODULE, "hours: 2.5", "hours: 1.0e+400", f'{MODULE}:4: "hours" must be 1000 or less, not .inf'),
        (MODULE, "hours: 2.5", "hours: 10" + "0" * 400, f'{MODULE}:4: "hours" must be 1000 or less, not 10'),
        (
            LESSON,
            "minutes: 10",
            "minutes: 3000000000",
            f'{LESSON}:3: "minutes" must be from 1 to 1440, not 3000000000',
        ),
        (
            LESSON,
            "title: What a user need is",
            f"title: {LONG_TITLE}",
            f'{LESSON}:2: "title" must be 200 characters or fewer, not 201',
        ),
        (COURSE, "title: Leading change", f"title: {LONG_TITLE}", f'{COURSE}:2: "title" must be 200 characters or fewer, not 201'),
        (MODULE, "title: Start with user needs", f"title: {LONG_TITLE}", f'{MODULE}:1: "title" must be 200 characters or fewer, not 201'),
        (QUIZ, "title: User needs - check your understanding", f"title: {LONG_TITLE}", f'{QUIZ}:1: "title" must be 200 characters or fewer, not 201'),
        (ASSIGNMENT, "title: Plan one small change", f"title: {LONG_TITLE}", f'{ASSIGNMENT}:2: "title" must be 200 characters or fewer, not 201'),
        (
            COURSE,
            'version: "2027.1"',
            f'version: "{"1" * 51}"',
            f'{COURSE}:3: "version" must be 50 characters or fewer, not 51',
        ),
        (
            MODULE,
            "due_after_days: 14",
            "due_after_days: 3000000",
            f'{MODULE}:6: "due_after_days" must be from 0 to 3650, not 3000000',
        ),
        (
            MODULE,
            "opens_after_days: 0",
            "opens_after_days: 99999999999999999999",
            f'{MODULE}:5: "opens_after_days" must be from 0 to 3650, not 99999999999999999999',
        ),
        (
            ASSIGNMENT,
            "due_after_days: 28",
            "due_after_days: 3000000",
            f'{ASSIGNMENT}:3: "due_after_days" must be from 0 to 3650, not 3000000',
        ),
        (QUIZ, "attempts: 2", "attempts: 1000000000000", f'{QUIZ}:3: "attempts" must be from 1 to 100, not 1000000000000'),
        (
            COURSE,
            "modules:",
            "? !!set {a, b}\n: value\nmodules:",
            f'{COURSE}:9: unknown key "',
        ),
        (
            LESSON,
            "title: What a user need is",
            'title: "What a user\\0 need is"',
            f"{LESSON}:2: this text has a NUL or an unpaired surrogate in it, which cannot be stored",
        ),
        (
            QUIZ,
            "title: User needs - check your understanding",
            'title: "User needs \\ud800"',
            f"{QUIZ}:1: this text has a NUL or an unpaired surrogate in it, which cannot be stored",
        ),
        (LESSON, "A user need is", "A user\0 need is", f"{LESSON}:8: the file has a NUL character in it"),
        (
            MODULE,
            "hours: 2.5",
            "hours: " + "9" * 5000,
            f"{MODULE}:4: this is not valid YAML: Exceeds the limit (4300 digits) for integer string conversion",
        ),
        (
            ASSIGNMENT,
            "due_after_days: 28",
            "due_after_days: 28\nwhen: 2027-02-30",
            f"{ASSIGNMENT}:4: this is not valid YAML: day is out of range for month",
        ),
        (COURSE, "summary: >-", "nested: " + "[" * 5000 + "]" * 5000 + "\nsummary: >-", f"{COURSE}:1: this YAML is nested too deeply to read"),
    ],
)
def test_what_import_could_not_store_or_use_is_refused_on_its_line(courses_folder, file, old, new, expected):
    edit(courses_folder / file, old, new)
    problems = problems_of(courses_folder)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_lesson_file_over_the_size_limit_is_refused_unread(courses_folder):
    with (courses_folder / LESSON).open("a", encoding="utf-8") as lesson:
        lesson.write("Words and more words.\n" * 1_500_000)  # 33 MB
    assert problems_of(courses_folder) == [f"{LESSON}:1: the file is larger than 1 MB"]


def test_thousands_of_unknown_keys_are_listed_ten_at_a_time(courses_folder):
    with (courses_folder / MODULE).open("a", encoding="utf-8") as module:
        module.write("".join(f"k{n}: 1\n" for n in range(20_000)))
    problems = problems_of(courses_folder)
    assert len(problems) == 11
    assert problems[0].startswith(f'{MODULE}:13: unknown key "k0"')
    assert problems[10] == f"{MODULE}:23: and 19990 more unknown keys after these"


def test_a_lesson_that_links_outside_the_course_folder_is_refused(courses_folder, tmp_path):
    outside = tmp_path / "secret.md"
    shutil.copy(courses_folder / LESSON, outside)
    (courses_folder / LESSON).unlink()
    (courses_folder / LESSON).symlink_to(outside)
    assert problems_of(courses_folder) == [f"{LESSON}:1: this file is a link to a file outside the course folder"]


def test_a_link_to_a_file_inside_the_course_folder_is_read(courses_folder):
    inside = courses_folder / "leading-change/01-user-needs/01-what-a-need-is.txt"
    (courses_folder / LESSON).rename(inside)
    (courses_folder / LESSON).symlink_to(inside)
    assert problems_of(courses_folder) == []


def test_a_lesson_file_name_longer_than_its_column_is_refused(courses_folder):
    name = "a" * 101 + ".md"
    shutil.copy(courses_folder / LESSON, courses_folder / "leading-change/01-user-needs" / name)
    edit(courses_folder / MODULE, "  - 02-finding-out.md", f"  - 02-finding-out.md\n  - {name}")
    assert f"{MODULE}:10: the lesson file name must be 100 characters or fewer, before .md" in problems_of(courses_folder)
