"""The class's predictions on a real server (issue 25): 30 simulated students (bench/st_protocol.py, the browser's
WebSocket protocol, one session each) open a lesson scene's link at once (three with present=True added to it) and
answer its predict-then-reveal item at once; a third of them change their minds; all reveal. No answer is lost or
counted twice: the store holds exactly 30, distributed as sent; a separate Python process opening the same SQLite
file reads the same counts; the presenter (the owner key in its link) sees them on the page, no student does."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from pages.ui.i18n import lookup
from pages.ui.poll_store import DB_VARIABLE, Scene, SQLiteStore, new_owner_key
from pages.ui.predict import GAP_BRACKETS
from tests.conftest import ROOT, _serve

sys.path.insert(0, str(ROOT / "bench"))

from st_protocol import Session  # noqa: E402

pytestmark = pytest.mark.server

STUDENTS = 30
KEY = new_owner_key()
SCENES = (Scene("dynamics", (("K", "5"),), "en", False),
          Scene("gap_explorer", (("predict", "True"),), "en", False))   # the question: scene 2, K = 100's gap
SCENE, PAGE, ITEM, GUESS = 1, "gap_explorer", "k100", "gap_guess_k100"
LABELS = {choice: lookup("en", f"predict.gap.{choice}") for choice in GAP_BRACKETS}   # what a radio sends: the label
TRUTH = "6_9"   # K = 100, ε = 0.1, ε/K: log(1 + 100·0.9/0.1) = 6.80 (tests/test_predict.py checks the bracket)
POLL_TITLE = lookup("en", "poll.title", count=0).split("(")[0]
REFUSED = lookup("en", "poll.refused", reason="").split(":")[0]


def first(number: int) -> str:
    return GAP_BRACKETS[number * number % len(GAP_BRACKETS)]   # an uneven spread: 0, 1, 4, 4, 1, 0, …


def final(number: int) -> str:
    """Every third student changes their mind: the second answer must replace the first, not add to it."""
    return GAP_BRACKETS[(number * number + 2) % len(GAP_BRACKETS)] if number % 3 == 0 else first(number)


@pytest.fixture(scope="module")
def lesson_file(tmp_path_factory):
    return tmp_path_factory.mktemp("poll") / "lessons.sqlite3"


@pytest.fixture(scope="module")
def poll_server(lesson_file):
    yield from _serve("poll-protocol-server", env={DB_VARIABLE: str(lesson_file)})


def poll_charts(page) -> list[dict]:
    charts = [json.loads(proto.spec) for kind, proto in page.elements if kind == "plotly_chart"]
    return [chart for chart in charts if chart["layout"].get("title", {}).get("text", "").startswith(POLL_TITLE)]


def problems_of(page, what: str) -> list:
    found = []
    if page.status != "FINISHED_SUCCESSFULLY" or page.count("exception"):
        found.append((what, page.status, page.count("exception")))
    found += [(what, text) for text in page.texts() if text.startswith(REFUSED)]
    if poll_charts(page):
        found.append((what, "a student was shown the class's answers"))
    return found


def student(url: str, query: str, number: int, opened: threading.Barrier, answered: threading.Barrier,
            problems: list) -> None:
    try:
        with Session(url, timeout=120, remember=True) as session:   # remember: every rerun sends all states, as a tab
            try:
                # a few add present=True to the link: big text, but still students (counted, shown no counts)
                page = session.open("", query + ("&present=True" if number % 10 == 0 else ""))
                problems.extend(problems_of(page, ("open", number)))
                if GUESS not in page.widgets:
                    problems.append((number, "no guess control", session.query, page.texts()[:5]))
            finally:
                opened.wait()                      # the whole class has the question: now all answer at once
            page = session.set(GUESS, string_value=LABELS[first(number)])
            problems.extend(problems_of(page, ("answer", number)))
            answered.wait()
            if final(number) != first(number):
                page = session.set(GUESS, string_value=LABELS[final(number)])
                problems.extend(problems_of(page, ("again", number)))
            page = session.set("gap_reveal", trigger_value=True)
            problems.extend(problems_of(page, ("reveal", number)))
            mark = "✓" if final(number) == TRUTH else "✗"   # the feedback is for the answer that counts
            if GUESS in page.widgets or not [text for text in page.texts() if text.startswith(mark)]:
                problems.append((number, "not revealed, or the feedback is not for the last answer", page.texts()))
    except Exception as error:  # noqa: BLE001 - the assertion reports it
        problems.append((number, repr(error)))
        for barrier in (opened, answered):
            barrier.abort()


# a separate interpreter opening the same file through poll_store (its path from LSR_POLL_DB, as the app reads it), as
# another app process behind nginx would
OTHER_PROCESS = """
import json, sys
from pages.ui.poll_store import SQLiteStore
from pages.ui.predict import GAP_BRACKETS
print(json.dumps(SQLiteStore().counts(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], GAP_BRACKETS)))
"""


def test_thirty_students_answer_at_once_nothing_lost_or_counted_twice(poll_server, lesson_file):
    started = time.perf_counter()
    store = SQLiteStore(lesson_file)
    code = store.create_lesson(SCENES[0], owner_key=KEY)
    store.add_scene(code, SCENES[1])
    query = f"lesson={code}&scene={SCENE + 1}"          # the students' link
    opened, answered = threading.Barrier(STUDENTS), threading.Barrier(STUDENTS)
    problems: list = []
    threads = [threading.Thread(target=student, args=(poll_server, query, n, opened, answered, problems))
               for n in range(STUDENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a student never finished"
    assert not problems, problems[:10]

    expected = {choice: sum(final(n) == choice for n in range(STUDENTS)) for choice in GAP_BRACKETS}
    assert sum(expected.values()) == STUDENTS and sum(first(n) != final(n) for n in range(STUDENTS)) == 10
    assert len(set(expected.values())) > 2, expected   # uneven, so a shuffled count would show
    counts = store.counts(code, SCENE, PAGE, ITEM, GAP_BRACKETS)
    assert counts == expected, "an answer was lost or counted twice"
    with sqlite3.connect(lesson_file) as db:   # one row per student: a changed mind replaced its answer
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT voter) FROM answers WHERE code = ?", (code,)).fetchone() == (
            STUDENTS, STUDENTS)

    other = subprocess.run([sys.executable, "-c", OTHER_PROCESS, code, str(SCENE), PAGE, ITEM],
                           cwd=ROOT, env=os.environ | {DB_VARIABLE: str(lesson_file)},
                           capture_output=True, text=True, timeout=60)
    assert other.returncode == 0, other.stderr
    assert json.loads(other.stdout) == expected

    # the presenter (the owner key in its link, as the builder writes it) sees the same counts on the page, and its own
    # guess is not one of them
    with Session(poll_server, timeout=120, remember=True) as teacher:
        page = teacher.open("", f"{query}&present=True&owner={KEY}")
        assert page.status == "FINISHED_SUCCESSFULLY" and "owner=" not in teacher.query
        teacher.set(GUESS, string_value=LABELS["below_0"])
        page = teacher.set("gap_reveal", trigger_value=True)
    charts = poll_charts(page)
    assert len(charts) == 1 and charts[0]["layout"]["title"]["text"] == lookup("en", "poll.title", count=STUDENTS)
    assert {trace["name"]: trace["x"] for trace in charts[0]["data"]} == {LABELS[c]: [n] for c, n in expected.items()}
    assert store.counts(code, SCENE, PAGE, ITEM, GAP_BRACKETS) == expected
    print(f"30 students on one server: {time.perf_counter() - started:.1f} s, counts {expected}")
