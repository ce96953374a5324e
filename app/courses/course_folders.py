"""Reading course folders into plain content, checking every file against courses/README.md.

`load_courses(path)` reads one course folder or a folder of courses and returns the courses
that are sound together with every problem found in the others, each with its file and
line. It never stops at the first problem: a broken file is reported and the rest is read.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from app.courses.checks import (
    SLUG_HINT,
    FileCheck,
    FrontMatterDocument,
    Mapping,
    Problem,
    Sequence,
    read_front_matter,
)
from app.courses.content import (
    LABEL_LENGTH,
    MAX_FILE_BYTES,
    MAX_LESSON_MINUTES,
    MAX_MODULE_HOURS,
    MAX_OFFSET_DAYS,
    PATH_LENGTH,
    SLUG_LENGTH,
    TITLE_LENGTH,
    AssessmentContent,
    CourseContent,
    ImageContent,
    LessonContent,
    LoadReport,
    ModuleContent,
)
from app.courses.assessment_files import read_assignment, read_quiz
from app.courses.rendering import render_markdown

MODULE_FOLDER = re.compile(r"^[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
ASSESSMENT_FILE = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.(yaml|md)$")
PATH_SEGMENT = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: Extension -> (media type, how the file starts). No SVG: it can carry scripts.
IMAGE_TYPES = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
}
DEFAULT_ATTENDANCE_THRESHOLD = 80


def load_courses(path: Path) -> LoadReport:
    """Read a course folder, or every course in a folder of courses."""
    path = Path(path)
    report = LoadReport()
    if not path.is_dir():
        report.problems.append(Problem(str(path.resolve()), 1, "there is no folder here"))
        return report
    if (path / "course.yaml").is_file():
        folders = [path]
    else:
        folders = sorted(
            child for child in path.iterdir() if child.is_dir() and not child.name.startswith((".", "_"))
        )
    for folder in folders:
        if not (folder / "course.yaml").is_file():
            report.problems.append(
                Problem(
                    f"{folder.name}/course.yaml",
                    1,
                    "this folder has no course.yaml: every folder here must be a course",
                )
            )
            continue
        problems: list[Problem] = []
        content = _CourseReader(folder, problems).read()
        report.problems.extend(sorted(problems))
        if content is not None and not problems:
            report.courses.append(content)
    return report


class _CourseReader:
    """Reads one course folder, adding a Problem for everything that breaks the format."""

    def __init__(self, folder: Path, problems: list[Problem]):
        self.folder = folder
        self.problems = problems
        self.images: dict[str, ImageContent] = {}
        #: Every file read, by path in the course, for the content hash.
        self.read_files: dict[str, bytes] = {}

    def check(self, relative: str) -> FileCheck:
        return FileCheck(f"{self.folder.name}/{relative}", self.problems)

    def read_text(self, relative: str, check: FileCheck) -> str | None:
        """The file's text, or None with a problem: a link out of the course, too big, not UTF-8."""
        path = self.folder / relative
        if not path.resolve().is_relative_to(self.folder.resolve()):
            check.add(1, "this file is a link to a file outside the course folder")
            return None
        if path.stat().st_size > MAX_FILE_BYTES:
            check.add(1, f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            return None
        data = path.read_bytes()
        self.read_files[relative] = data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            check.add(data[: error.start].count(b"\n") + 1, "the file must be saved as UTF-8 text")
            return None
        if "\x00" in text:
            check.add(text[: text.index("\x00")].count("\n") + 1, "the file has a NUL character in it")
            return None
        return text

    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for relative in sorted(self.read_files):
            data = self.read_files[relative]
            digest.update(f"{relative}\0{len(data)}\0".encode())
            digest.update(data)
        return digest.hexdigest()

    def read(self) -> CourseContent | None:
        check = self.check("course.yaml")
        text = self.read_text("course.yaml", check)
        course = check.mapping(check.load_yaml(text), 1, "course.yaml") if text is not None else None
        if course is None:
            # Without the module list, still check each module folder there is.
            for name in self._module_folders():
                self.read_module(name)
            return None
        check.keys(course, ("slug", "title", "version", "summary", "modules", "completion"))
        slug = check.slug(course, "slug", SLUG_LENGTH)
        if slug is not None and slug != self.folder.name:
            check.add(
                course.value_lines["slug"],
                f'the slug "{slug}" must be the folder\'s name, "{self.folder.name}"',
            )
        title = check.text(course, "title", TITLE_LENGTH)
        label = check.text(course, "version", LABEL_LENGTH)
        summary = check.text(course, "summary")
        threshold, live_sessions = self._completion(check, course)
        modules = [self.read_module(name) for name in self._listed_modules(check, course)]
        if self.problems:
            return None
        return CourseContent(
            slug=slug,
            title=title,
            label=label,
            summary=summary,
            attendance_threshold=threshold,
            live_sessions=live_sessions,
            content_hash=self.content_hash(),
            modules=modules,
            images=self.images,
        )

    def _module_folders(self) -> list[str]:
        return sorted(
            child.name
            for child in self.folder.iterdir()
            if child.is_dir() and (child / "module.yaml").is_file()
        )

    def _completion(self, check: FileCheck, course: Mapping) -> tuple[int | None, int | None]:
        """The attendance threshold and the number of live sessions the course plans."""
        if "completion" not in course:
            return None, None
        completion = check.mapping(course["completion"], course.value_lines["completion"], '"completion"')
        if completion is None:
            return None, None
        check.keys(completion, ("live_sessions",), ("attendance_threshold",))
        threshold = check.integer(
            completion, "attendance_threshold", 0, 100, required=False, default=DEFAULT_ATTENDANCE_THRESHOLD
        )
        return threshold, check.integer(completion, "live_sessions", minimum=1)

    def _listed_modules(self, check: FileCheck, course: Mapping) -> list[str]:
        """The folder name of each sound entry under "modules", in order."""
        entries = check.sequence(course, "modules")
        listed: list[str] = []
        first_line: dict[str, int] = {}
        for value, line in _items(entries):
            if not isinstance(value, str) or not MODULE_FOLDER.match(value):
                check.add(
                    line,
                    f'"{value}" is not a module folder name: two digits, a hyphen and a slug, like 01-why-digital',
                )
                continue
            if len(value) > SLUG_LENGTH:
                check.add(line, f"the module folder name must be {SLUG_LENGTH} characters or fewer")
                continue
            if value in first_line:
                check.add(line, f"module {value} is listed twice (also on line {first_line[value]})")
                continue
            first_line[value] = line
            if (self.folder / value / "module.yaml").is_file():
                listed.append(value)
            else:
                check.add(line, f"module {value} has no folder {value}/ with a module.yaml in it")
        for name in self._module_folders():
            if name not in first_line and entries is not None:
                check.add(
                    course.value_lines["modules"],
                    f"the folder {name}/ has a module.yaml but is not listed under modules",
                )
        return listed

    def read_module(self, name: str) -> ModuleContent | None:
        check = self.check(f"{name}/module.yaml")
        text = self.read_text(f"{name}/module.yaml", check)
        module = check.mapping(check.load_yaml(text), 1, "module.yaml") if text is not None else None
        if module is None:
            return None
        check.keys(
            module,
            ("title", "summary", "hours", "opens_after_days", "due_after_days", "lessons"),
            ("assessments",),
        )
        opens = check.integer(module, "opens_after_days", 0, MAX_OFFSET_DAYS)
        due = check.integer(module, "due_after_days", 0, MAX_OFFSET_DAYS)
        if opens is not None and due is not None and due < opens:
            check.add(
                module.value_lines["due_after_days"],
                f'"due_after_days" ({due}) must not be before "opens_after_days" ({opens})',
            )
        content = ModuleContent(
            slug=name,
            title=check.text(module, "title", TITLE_LENGTH),
            summary=check.text(module, "summary"),
            hours=check.positive_number(module, "hours", MAX_MODULE_HOURS),
            opens_after_days=opens,
            due_after_days=due,
        )
        lesson_files = self._listed_lessons(check, module, name)
        content.lessons = [self.read_lesson(f"{name}/{file}") for file in lesson_files]
        assessment_entries = self._listed_assessments(check, module, name, lesson_files)
        content.assessments = [
            self.read_assessment(f"{name}/{file}", required, opens) for file, required in assessment_entries
        ]
        listed = {"module.yaml", *_mentioned(module)}
        for path in sorted((self.folder / name).iterdir()):
            if path.suffix in (".md", ".yaml", ".yml") and path.name not in listed:
                check.add(
                    module.line,
                    f"{path.name} is in the module's folder but not listed under lessons or assessments",
                )
        return content

    def _listed_lessons(self, check: FileCheck, module: Mapping, name: str) -> list[str]:
        """The lesson files listed that exist, reporting bad, repeated and missing entries."""
        files: list[str] = []
        first_line: dict[str, int] = {}
        for value, line in _items(check.sequence(module, "lessons")):
            if not isinstance(value, str) or not LESSON_FILE.match(value):
                check.add(line, f'"{value}" is not a lesson file name: {SLUG_HINT}, ending .md')
            elif len(value.removesuffix(".md")) > SLUG_LENGTH:
                check.add(line, f"the lesson file name must be {SLUG_LENGTH} characters or fewer, before .md")
            elif value in first_line:
                check.add(line, f"lesson {value} is listed twice (also on line {first_line[value]})")
            else:
                first_line[value] = line
                if (self.folder / name / value).is_file():
                    files.append(value)
                else:
                    check.add(line, f"the lesson file {value} does not exist in this module's folder")
        return files

    def _listed_assessments(
        self, check: FileCheck, module: Mapping, name: str, lesson_files: list[str]
    ) -> list[tuple[str, bool]]:
        """(file, required) of each sound assessment entry, reporting the others."""
        lesson_slugs = {file.removesuffix(".md") for file in lesson_files}
        found: list[tuple[str, bool]] = []
        first_line: dict[str, int] = {}
        for value, line in _items(check.sequence(module, "assessments")):
            entry = check.mapping(value, line, "Each assessment")
            if entry is None:
                continue
            check.keys(entry, ("file",), ("required",))
            file = check.text(entry, "file")
            required = check.boolean(entry, "required")
            if file is None:
                continue
            match = ASSESSMENT_FILE.match(file)
            if match is None:
                check.add(
                    line,
                    f'"{file}" is not an assessment file: a quiz ending .yaml or an assignment ending .md',
                )
                continue
            slug = match.group(1)
            if len(slug) > SLUG_LENGTH:
                check.add(line, f"the assessment file name must be {SLUG_LENGTH} characters or fewer, before the dot")
            elif slug in first_line:
                check.add(
                    line, f'the assessment name "{slug}" is used twice (also on line {first_line[slug]})'
                )
            elif slug in lesson_slugs:
                check.add(line, f'the assessment name "{slug}" is also the name of a lesson in this module')
            else:
                first_line[slug] = line
                if (self.folder / name / file).is_file():
                    found.append((file, required))
                else:
                    check.add(line, f"the assessment file {file} does not exist in this module's folder")
        return found

    def _markdown(self, check: FileCheck, document: FrontMatterDocument, relative: str) -> str | None:
        """Safe HTML for a Markdown body, reporting each problem on its line."""
        if not document.body.strip():
            check.add(document.body_line, "the text after the front matter is empty")
            return None
        base = posixpath.dirname(relative)

        def resolve(src: str) -> str | None:
            return self._image(check, document.line_matching(re.escape(src)), base, src)

        rendered = render_markdown(document.body, resolve)
        for pattern, message in rendered.problems:
            check.add(document.line_matching(pattern), message)
        return rendered.html

    def _image(self, check: FileCheck, line: int, base: str, src: str) -> str | None:
        """The image's path in the course, once it is known to be a safe image file."""
        path = posixpath.normpath(posixpath.join(base, src))
        if src.startswith("/") or path == ".." or path.startswith("../"):
            check.add(line, f'the image "{src}" is outside the course folder')
            return None
        if path in self.images:
            return path
        if len(path) > PATH_LENGTH:
            check.add(line, f'the image "{src}" must have a path of {PATH_LENGTH} characters or fewer')
            return None
        if not all(PATH_SEGMENT.match(part) for part in path.split("/")):
            check.add(
                line, f'the image "{src}" must have a name of letters, digits, hyphens, underscores and dots'
            )
            return None
        media = IMAGE_TYPES.get(posixpath.splitext(path)[1].lower())
        if media is None:
            check.add(line, f'the image "{src}" must be a PNG, JPEG, GIF or WebP file')
            return None
        file = self.folder / path
        if not file.is_file() or not file.resolve().is_relative_to(self.folder.resolve()):
            check.add(line, f'the image "{src}" does not exist in the course folder')
            return None
        data = file.read_bytes()
        if len(data) > MAX_IMAGE_BYTES:
            check.add(line, f'the image "{src}" is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB')
            return None
        media_type, signatures = media
        if not data.startswith(signatures) or (media_type == "image/webp" and data[8:12] != b"WEBP"):
            check.add(line, f'the image "{src}" is not really a {media_type.split("/")[1].upper()} file')
            return None
        self.read_files[path] = data
        self.images[path] = ImageContent(path, media_type, data)
        return path

    def read_lesson(self, relative: str) -> LessonContent | None:
        check = self.check(relative)
        text = self.read_text(relative, check)
        if text is None:
            return None
        document = read_front_matter(check, text)
        if document.meta is None:
            return None
        meta = document.meta
        check.keys(meta, ("title", "minutes"), ("required",))
        lesson = LessonContent(
            slug=posixpath.basename(relative).removesuffix(".md"),
            title=check.text(meta, "title", TITLE_LENGTH),
            minutes=check.integer(meta, "minutes", 1, MAX_LESSON_MINUTES),
            required=check.boolean(meta, "required"),
            html=self._markdown(check, document, relative),
        )
        return lesson if check.ok else None

    def read_assessment(
        self, relative: str, required: bool, module_opens: int | None
    ) -> AssessmentContent | None:
        check = self.check(relative)
        text = self.read_text(relative, check)
        if text is None:
            return None
        slug = posixpath.basename(relative).rsplit(".", 1)[0]
        if relative.endswith(".yaml"):
            assessment = read_quiz(check, text, slug, required)
        else:
            document = read_front_matter(check, text)
            if document.meta is None:
                return None
            assessment = read_assignment(check, document, slug, required, module_opens,
                                         lambda: self._markdown(check, document, relative))
        return assessment if assessment is not None and check.ok else None


def _items(entries: Sequence | None):
    """(item, line) for each item of a checked list; nothing if it was missing or wrong."""
    return zip(entries, entries.item_lines) if entries is not None else ()


def _mentioned(module: Mapping) -> set[str]:
    """File names module.yaml lists, however badly, so they are not also called unlisted."""
    names = set()
    for key in ("lessons", "assessments"):
        entries = module.get(key)
        for entry in entries if isinstance(entries, list) else ():
            name = entry.get("file") if isinstance(entry, dict) else entry
            if isinstance(name, str):
                names.add(name)
    return names
