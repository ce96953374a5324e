"""A certificate against a bare WeasyPrint render: `python -m bench.certificates [--times N]`.

Bare: the same certificate HTML, linking its stylesheet, rendered by `HTML(...).write_pdf()`
with nothing reused, as WeasyPrint does by default. Ours: `render_pdf`, which reuses the
design's parsed stylesheet and fonts. Each is rendered N times after one warm-up; the median
render time of each and their ratio are printed (the goal is 1.3 or less).
"""

from __future__ import annotations

import argparse
import statistics
import time

from weasyprint import HTML

from app import create_app
from app.certificates.codes import new_code
from app.certificates.designs import design_folder
from app.certificates.rendering import DesignFetcher, render_html, render_pdf
from config import TestingConfig

CONTEXT = {
    "programme": "Digital Leadership Programme", "participant_name": "Gareth Lewis",
    "council_name": "Adur District Council", "course_title": "Digital Leadership",
    "cohort_name": "Spring 2027 – cohort A", "completed_on": "14 March 2027",
    "modules": [f"Module {n}" for n in range(1, 8)],
}


def median_seconds(render, times: int) -> float:
    render()
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        render()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=15)
    args = parser.parse_args(argv)
    with create_app(TestingConfig).app_context():
        code = new_code()
        context = dict(CONTEXT, code=code, verify_url=f"https://lms.example/verify/{code}")
        folder = design_folder("default")
        linked = render_html(context, folder).replace("</title>", '</title><link rel="stylesheet" href="theme.css">', 1)

        def bare():
            HTML(string=linked, base_url=folder.as_uri() + "/", url_fetcher=DesignFetcher(folder)).write_pdf()

        bare_time = median_seconds(bare, args.times)
        ours = median_seconds(lambda: render_pdf(context), args.times)
    print(f"bare WeasyPrint {1000 * bare_time:.0f} ms, render_pdf {1000 * ours:.0f} ms: {ours / bare_time:.2f}x")


if __name__ == "__main__":
    main()
