"""The store of lessons and predictions (pages/ui/poll_store.py, issue 25): hand cases, hostile input refused with
nothing stored, 30 concurrent writers (threads and separate OS processes) with no lost or double-counted answer,
another process reading the same counts, the file surviving a reopen, and lesson codes expiring."""

import multiprocessing
import sqlite3
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pages.ui import poll_store as ps
from pages.ui.poll_store import Refusal, Scene, SQLiteStore

CHOICES = ("up", "down", "same")
SCENE = Scene("dynamics", (("K", "5"), ("eps", "0.2")), "en", False)


def voter(number: int) -> str:
    return f"{number:032x}"


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def path(tmp_path):
    return tmp_path / "lessons.sqlite3"


@pytest.fixture
def store(path):
    return SQLiteStore(path)


@pytest.fixture
def code(store):
    code = store.create_lesson(SCENE)
    store.add_scene(code, Scene("gap_explorer", (("hide", "K"),), "zh", True))
    return code


def rows(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]


# ---------------------------------------------------------------- by hand

def test_a_lesson_keeps_its_scenes_in_order(store, code):
    lesson = store.lesson(code)
    assert ps.CODE.fullmatch(code)
    assert [s.page for s in lesson.scenes] == ["dynamics", "gap_explorer"]
    assert lesson.scenes[0] == SCENE and lesson.scenes[1].present and lesson.scenes[1].lang == "zh"


def test_counts_by_hand_and_a_re_answer_replaces(store, code):
    assert store.counts(code, 0, "dynamics", "gap", CHOICES) == {"up": 0, "down": 0, "same": 0}
    assert store.record(code, 0, "dynamics", "gap", voter(1), "up", CHOICES) is False
    assert store.record(code, 0, "dynamics", "gap", voter(2), "up", CHOICES) is False
    assert store.record(code, 0, "dynamics", "gap", voter(3), "down", CHOICES) is False
    assert store.record(code, 0, "dynamics", "gap", voter(3), "same", CHOICES) is True   # changed their mind
    assert store.counts(code, 0, "dynamics", "gap", CHOICES) == {"up": 2, "down": 0, "same": 1}
    # per scene and per item: nothing leaks across
    assert store.counts(code, 0, "dynamics", "other", CHOICES) == {"up": 0, "down": 0, "same": 0}
    assert store.counts(code, 1, "gap_explorer", "gap", CHOICES) == {"up": 0, "down": 0, "same": 0}


def test_ten_thousand_answers_from_one_tab_count_once(store, code, path):
    for number in range(10_000):
        store.record(code, 0, "dynamics", "gap", voter(7), CHOICES[number % 3], CHOICES)
    assert store.counts(code, 0, "dynamics", "gap", CHOICES) == {"up": 1, "down": 0, "same": 0}   # the last: 9999 % 3
    assert rows(path) == 1


@pytest.mark.parametrize("change, reason", [
    (dict(code="AB23C"), "code"), (dict(code="ab23cd"), "code"), (dict(code="AB23C0"), "code"),   # 0 is not issued
    (dict(code="<b>x</b>"), "code"), (dict(code=None), "code"), (dict(code="ZZZZZZ"), "unknown"),
    (dict(scene=2), "scene"), (dict(scene=-1), "scene"), (dict(scene=True), "scene"), (dict(scene="0"), "scene"),
    (dict(page="gap_explorer"), "page"), (dict(item="Gap"), "item"), (dict(item="x" * 41), "item"),
    (dict(item="a b"), "item"), (dict(voter="127.0.0.1"), "voter"), (dict(voter=voter(0xABC).upper()), "voter"),
    (dict(choice="sideways"), "choice"), (dict(choice="up; DROP TABLE answers"), "choice"), (dict(choice=1), "choice"),
    (dict(choices=("up", "up")), "choices"), (dict(choices=()), "choices"), (dict(choices=["up", "down"]), "choices"),
    (dict(choices=tuple(f"c{i}" for i in range(13))), "choices"),
])
def test_hostile_answers_are_refused_and_store_nothing(store, code, path, change, reason):
    answer = dict(code=code, scene=0, page="dynamics", item="gap", voter=voter(1), choice="up", choices=CHOICES) | change
    with pytest.raises(Refusal) as refused:
        store.record(**answer)
    assert refused.value.reason == reason
    assert rows(path) == 0


@settings(max_examples=150, deadline=None)
@given(code=st.text(max_size=12), item=st.text(max_size=50), choice=st.text(max_size=50),
       scene=st.one_of(st.integers(-5, 5), st.text(max_size=3)), voter_text=st.text(max_size=40))
def test_any_text_is_refused_or_stored_as_one_valid_answer(tmp_path_factory, code, item, choice, scene, voter_text):
    path = tmp_path_factory.mktemp("hyp") / "lessons.sqlite3"
    store = SQLiteStore(path)
    real = store.create_lesson(SCENE)
    for attempt in (dict(code=code), dict(item=item), dict(choice=choice), dict(scene=scene), dict(voter=voter_text)):
        answer = dict(code=real, scene=0, page="dynamics", item="gap", voter=voter(1), choice="up", choices=CHOICES) | attempt
        try:
            store.record(**answer)
        except Refusal as refusal:
            assert refusal.reason in ps.REASONS
    with sqlite3.connect(path) as db:
        stored = db.execute("SELECT code, scene, item, voter, choice FROM answers").fetchall()
    for code_, scene_, item_, voter_, choice_ in stored:   # only well-formed answers ever reach the file
        assert code_ == real and scene_ == 0 and ps.NAME.fullmatch(item_) and ps.VOTER.fullmatch(voter_) and choice_ in CHOICES


def test_forged_and_expired_codes(path):
    clock = Clock()
    store = SQLiteStore(path, clock=clock)
    code = store.create_lesson(SCENE)
    store.record(code, 0, "dynamics", "gap", voter(1), "up", CHOICES)
    forged = next(c for c in ("AAAAAA", "BBBBBB") if c != code)
    with pytest.raises(Refusal, match="unknown"):
        store.lesson(forged)
    clock.now += ps.LESSON_SECONDS - 1
    assert store.lesson(code).code == code
    clock.now += 1
    for call in (lambda: store.lesson(code), lambda: store.record(code, 0, "dynamics", "gap", voter(2), "up", CHOICES),
                 lambda: store.counts(code, 0, "dynamics", "gap", CHOICES), lambda: store.add_scene(code, SCENE)):
        with pytest.raises(Refusal, match="expired"):
            call()
    store.create_lesson(SCENE)   # issuing a new code clears expired lessons and their answers
    assert rows(path) == 0


def test_bounds_answers_scenes_and_lessons(store, code, path, monkeypatch):
    monkeypatch.setattr(ps, "MAX_ANSWERS", 3)
    for number in range(3):
        store.record(code, 0, "dynamics", "gap", voter(number), "up", CHOICES)
    with pytest.raises(Refusal, match="full"):
        store.record(code, 0, "dynamics", "gap", voter(9), "up", CHOICES)
    assert store.record(code, 0, "dynamics", "gap", voter(0), "down", CHOICES) is True   # a re-answer still counts
    assert rows(path) == 3
    monkeypatch.setattr(ps, "MAX_SCENES", 2)
    with pytest.raises(Refusal, match="too_many_scenes"):
        store.add_scene(code, SCENE)
    monkeypatch.setattr(ps, "MAX_LESSONS", 1)
    with pytest.raises(Refusal, match="too_many_lessons"):
        store.create_lesson(SCENE)
    with pytest.raises(Refusal, match="query"):
        store.add_scene(code, Scene("dynamics", (("K", "5" * 201),), "en", False))
    with pytest.raises(Refusal, match="page"):
        store.add_scene(code, Scene("../etc", (), "en", False))


def test_the_file_survives_a_reopen(path):
    code = SQLiteStore(path).create_lesson(SCENE)
    SQLiteStore(path).record(code, 0, "dynamics", "gap", voter(1), "down", CHOICES)
    reopened = SQLiteStore(path)
    assert reopened.lesson(code).scenes == (SCENE,)
    assert reopened.counts(code, 0, "dynamics", "gap", CHOICES)["down"] == 1
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_owner_key_by_hand(store, path):
    key = ps.new_owner_key()
    assert ps.OWNER_KEY.fullmatch(key) and key != ps.new_owner_key()
    code = store.create_lesson(SCENE, owner_key=key)
    assert store.owns(code, key) and SQLiteStore(path).owns(code, key)   # another connection, the same answer
    other = ps.new_owner_key()
    for wrong in (other, key.lower() if key.lower() != key else key.upper(), key[:-1], key + "A", "", None, 12,
                  " " + key, key.encode()):
        assert not store.owns(code, wrong), wrong
    keyless = store.create_lesson(SCENE)   # no owner key: no key opens it
    assert not store.owns(keyless, key) and not store.owns(keyless, other)
    with sqlite3.connect(path) as db:      # only the digest is kept
        assert key not in " ".join(str(v) for row in db.execute("SELECT * FROM lessons") for v in row)
    for bad in ("short", key + "=", "<b>" + key[3:]):
        with pytest.raises(ValueError):
            store.create_lesson(SCENE, owner_key=bad)
    with pytest.raises(Refusal, match="unknown"):
        store.owns(next(c for c in ("AAAAAA", "BBBBBB") if c not in (code, keyless)), key)
    with pytest.raises(Refusal, match="code"):
        store.owns("<b>", key)


def test_the_owner_key_expires_with_its_lesson(path):
    clock = Clock()
    store = SQLiteStore(path, clock=clock)
    key = ps.new_owner_key()
    code = store.create_lesson(SCENE, owner_key=key)
    clock.now += ps.LESSON_SECONDS
    with pytest.raises(Refusal, match="expired"):
        store.owns(code, key)


def test_a_file_from_before_owner_keys_gets_the_column(path):
    with sqlite3.connect(path) as db:   # the schema as it was
        db.execute("CREATE TABLE lessons (code TEXT PRIMARY KEY, created REAL NOT NULL, scenes TEXT NOT NULL)")
        db.execute("INSERT INTO lessons VALUES ('AB23CD', 1e12, '[]')")
    store = SQLiteStore(path, clock=lambda: 1e12)
    assert store.lesson("AB23CD").scenes == () and not store.owns("AB23CD", ps.new_owner_key())
    key = ps.new_owner_key()
    assert store.owns(store.create_lesson(SCENE, owner_key=key), key)
    SQLiteStore(path)   # opened again: the column is there once
    with sqlite3.connect(path) as db:
        assert [row[1] for row in db.execute("PRAGMA table_info(lessons)")] == ["code", "created", "scenes", "owner"]


def test_the_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ps.DB_VARIABLE, str(tmp_path / "elsewhere" / "x.sqlite3"))
    assert SQLiteStore().path == tmp_path / "elsewhere" / "x.sqlite3"
    assert (tmp_path / "elsewhere" / "x.sqlite3").exists()
    assert ps.DEFAULT_PATH.parent.name == "data"


# ---------------------------------------------------------------- concurrency

STUDENTS = 30


def test_thirty_threads_answer_at_once(path, code):
    barrier = threading.Barrier(STUDENTS)
    errors = []

    def student(number):
        store = SQLiteStore(path)   # each its own connections, as sessions in one process have
        barrier.wait()
        try:
            for repeat in range(5):   # every student answers five times; the last answer is the one that counts
                store.record(code, 0, "dynamics", "gap", voter(number), CHOICES[(number + repeat) % 3], CHOICES)
        except Exception as error:   # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=student, args=(n,)) for n in range(STUDENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    expected = {c: sum(CHOICES[(n + 4) % 3] == c for n in range(STUDENTS)) for c in CHOICES}
    assert SQLiteStore(path).counts(code, 0, "dynamics", "gap", CHOICES) == expected
    assert rows(path) == STUDENTS


def _process_students(path: str, code: str, first: int, count: int, start) -> None:
    store = SQLiteStore(path)
    start.wait()
    threads = [threading.Thread(target=lambda n=n: [store.record(code, 0, "dynamics", "gap", voter(n), CHOICES[n % 3], CHOICES)
                                                    for _ in range(3)]) for n in range(first, first + count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_thirty_students_in_three_os_processes_and_another_process_reads_the_same_counts(path, code):
    context = multiprocessing.get_context("spawn")   # separate interpreters, as the deployment's app processes are
    start = context.Event()
    processes = [context.Process(target=_process_students, args=(str(path), code, 10 * i, 10, start)) for i in range(3)]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    expected = {c: sum(CHOICES[n % 3] == c for n in range(STUDENTS)) for c in CHOICES}
    assert SQLiteStore(path).counts(code, 0, "dynamics", "gap", CHOICES) == expected == {"up": 10, "down": 10, "same": 10}
    with context.Pool(1) as pool:   # a process that wrote nothing sees the same counts
        assert pool.apply(_counts, (str(path), code)) == expected


def _counts(path: str, code: str) -> dict:
    return SQLiteStore(path).counts(code, 0, "dynamics", "gap", CHOICES)
