"""The lessons and the class's predictions, stored (issue 25): no Streamlit, no Plotly.

A *lesson* is a short code the server issues (`AB12CD`: six characters from an alphabet without 0/O, 1/I/L)
and its scenes: each a page, that page's URL query (control values, `hide=`), a language and presenter
mode. A *prediction* is one anonymous answer to one item of one scene: (lesson code, scene index, page, item,
voter token) → choice, where the voter token is a random id the app draws for each browser session (never an
address or a name). One answer per voter and item: answering again replaces the answer, so a tab that sends
10,000 answers counts once.

`Store` is the interface the app uses; `SQLiteStore` implements it with the standard library's sqlite3 in
one file, safe for the several app processes of `deploy/run_behind_nginx.py` on one machine (WAL journal,
every write one `BEGIN IMMEDIATE` transaction, a busy timeout instead of "database is locked"). Processes on
several machines need a shared database behind the same interface (README, *The class's predictions*).

A lesson may carry an *owner key*: a random secret the app draws when the teacher starts the lesson, kept here
only as its SHA-256 digest. It is in the presenter's link (`&owner=…`), never in the students' link, and
`owns(code, key)` says whether a key is that lesson's: it, not `present=True`, makes a session the lesson's
presenter on another tab or machine.

Everything that arrives from a URL or a browser is checked here, at the boundary, and refused with a
`Refusal` that names the reason; a refused call stores nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

DB_VARIABLE = "LSR_POLL_DB"   # the SQLite file's path; default DEFAULT_PATH
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "lessons.sqlite3"   # data/ is git-ignored

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I/L: read off a projector and typed
CODE_LENGTH = 6
CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")           # a page's or an item's name
VOTER = re.compile(r"[0-9a-f]{32}")                  # secrets.token_hex(16)
OWNER_KEY = re.compile(r"[A-Za-z0-9_-]{24}")         # new_owner_key(): secrets.token_urlsafe(18)

LESSON_SECONDS = 24 * 3600        # a lesson code expires a day after it was issued
MAX_SCENES = 30                   # scenes per lesson
MAX_QUERY_FIELDS = 24             # URL fields a scene keeps
MAX_QUERY_TEXT = 200              # characters per field name or value
MAX_CHOICES = 12                  # choices per item
MAX_CHOICE_TEXT = 40
MAX_ANSWERS = 5000                # answers per lesson (e.g. 100 students × 50 items)
MAX_LESSONS = 2000                # live lessons on this server


def new_owner_key() -> str:
    """A fresh owner key for a lesson: 144 random bits, URL-safe (24 characters)."""
    return secrets.token_urlsafe(18)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


class Refusal(ValueError):
    """Input the store refuses; `reason` is one of REASONS (the app words it from the catalogue)."""

    def __init__(self, reason: str):
        assert reason in REASONS, reason
        super().__init__(reason)
        self.reason = reason


REASONS = ("code", "unknown", "expired", "scene", "page", "item", "choice", "choices", "voter", "full",
           "query", "too_many_scenes", "too_many_lessons")


@dataclass(frozen=True)
class Scene:
    page: str
    query: tuple[tuple[str, str], ...]   # the page's URL fields, in order (no lesson=, scene=, lang=, present=)
    lang: str
    present: bool

    def to_json(self) -> dict:
        return {"page": self.page, "query": [list(pair) for pair in self.query], "lang": self.lang, "present": self.present}

    @staticmethod
    def from_json(data: dict) -> "Scene":
        return Scene(str(data["page"]), tuple((str(k), str(v)) for k, v in data["query"]), str(data["lang"]),
                     bool(data["present"]))


@dataclass(frozen=True)
class Lesson:
    code: str
    created: float
    scenes: tuple[Scene, ...]


def check_code(code: object) -> str:
    """`code` if it has the form of a lesson code (upper case, as issued), else Refusal("code").

    >>> check_code("AB23CD")
    'AB23CD'
    """
    if not isinstance(code, str) or not CODE.fullmatch(code):
        raise Refusal("code")
    return code


def check_scene(scene: Scene, pages: tuple[str, ...] | None = None) -> Scene:
    """The scene if it is small and well formed (and its page one of `pages`, when given)."""
    if not isinstance(scene.page, str) or not NAME.fullmatch(scene.page) or (pages is not None and scene.page not in pages):
        raise Refusal("page")
    if len(scene.query) > MAX_QUERY_FIELDS or any(
            not isinstance(part, str) or len(part) > MAX_QUERY_TEXT for pair in scene.query for part in pair):
        raise Refusal("query")
    if not isinstance(scene.lang, str) or not NAME.fullmatch(scene.lang):
        raise Refusal("query")
    return scene


def check_choices(choices: object) -> tuple[str, ...]:
    """An item's choices: 1 … MAX_CHOICES distinct short strings, else Refusal("choices")."""
    if (not isinstance(choices, tuple) or not 1 <= len(choices) <= MAX_CHOICES or len(set(choices)) != len(choices)
            or any(not isinstance(c, str) or not 0 < len(c) <= MAX_CHOICE_TEXT for c in choices)):
        raise Refusal("choices")
    return choices


def check_choice(choice: object, choices: object) -> str:
    """`choice` if it is one of the item's `choices` (text where a choice is expected: Refusal("choice"))."""
    check_choices(choices)
    if not isinstance(choice, str) or choice not in choices:
        raise Refusal("choice")
    return choice


class Store(Protocol):
    """What the app needs from a store of lessons and predictions (any backend: SQLite here; a shared
    database such as PostgreSQL, with the same tables, for processes on several machines)."""

    def create_lesson(self, scene: Scene, owner_key: str | None = None) -> str: ...
    def owns(self, code: str, key: object) -> bool: ...
    def add_scene(self, code: str, scene: Scene) -> int: ...
    def lesson(self, code: str) -> Lesson: ...
    def record(self, code: str, scene: int, page: str, item: str, voter: str, choice: str,
               choices: tuple[str, ...]) -> bool: ...
    def counts(self, code: str, scene: int, page: str, item: str, choices: tuple[str, ...]) -> dict[str, int]: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS lessons (code TEXT PRIMARY KEY, created REAL NOT NULL, scenes TEXT NOT NULL, owner TEXT);
CREATE TABLE IF NOT EXISTS answers (code TEXT NOT NULL, scene INTEGER NOT NULL, page TEXT NOT NULL,
    item TEXT NOT NULL, voter TEXT NOT NULL, choice TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (code, scene, page, item, voter));
"""


class SQLiteStore:
    """`Store` in one SQLite file. Each call opens its own connection (cheap, and safe in any thread or
    process); writes are one `BEGIN IMMEDIATE` transaction each, so concurrent writers queue on the file's
    lock (for at most `busy_seconds`) instead of losing or doubling an answer."""

    def __init__(self, path: str | os.PathLike | None = None, clock: Callable[[], float] = time.time,
                 busy_seconds: float = 10.0):
        self.path = Path(path if path is not None else os.environ.get(DB_VARIABLE) or DEFAULT_PATH)
        self.clock = clock
        self.busy_seconds = busy_seconds
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")   # readers never wait for the writer; kept in the file
            db.executescript(SCHEMA)
            with _transaction(db):   # a file from before owner keys: add the column (once, whichever process is first)
                if "owner" not in {row[1] for row in db.execute("PRAGMA table_info(lessons)")}:
                    db.execute("ALTER TABLE lessons ADD COLUMN owner TEXT")

    def _connect(self) -> "_Closing":
        db = sqlite3.connect(self.path, timeout=self.busy_seconds, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout={int(self.busy_seconds * 1000)}")
        db.execute("PRAGMA synchronous=NORMAL")   # with WAL: durable across an app crash, not a power cut
        return _Closing(db)

    # ------------------------------------------------------------------ lessons
    def create_lesson(self, scene: Scene, owner_key: str | None = None) -> str:
        """Issue a new code for a lesson that starts with `scene`; expired lessons and their answers go.
        `owner_key` (from `new_owner_key`) is kept as its digest: `owns` checks a key against it later. A lesson
        created without one has no owner key (only the session that created it presents it)."""
        check_scene(scene)
        if owner_key is not None and (not isinstance(owner_key, str) or not OWNER_KEY.fullmatch(owner_key)):
            raise ValueError("create_lesson: the owner key is not one new_owner_key() draws")
        now = self.clock()
        with self._connect() as db, _transaction(db):
            expired = [row[0] for row in db.execute("SELECT code FROM lessons WHERE created <= ?", (now - LESSON_SECONDS,))]
            db.executemany("DELETE FROM answers WHERE code = ?", [(c,) for c in expired])
            db.executemany("DELETE FROM lessons WHERE code = ?", [(c,) for c in expired])
            if db.execute("SELECT COUNT(*) FROM lessons").fetchone()[0] >= MAX_LESSONS:
                raise Refusal("too_many_lessons")
            while True:
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                if db.execute("SELECT 1 FROM lessons WHERE code = ?", (code,)).fetchone() is None:
                    break
            db.execute("INSERT INTO lessons (code, created, scenes, owner) VALUES (?, ?, ?, ?)",
                       (code, now, json.dumps([scene.to_json()]), None if owner_key is None else _digest(owner_key)))
        return code

    def owns(self, code: str, key: object) -> bool:
        """Whether `key` (text from a URL: anything) is lesson `code`'s owner key. False for a malformed key or a
        lesson created without one; Refusal, as `lesson`, for a malformed, forged or expired code."""
        with self._connect() as db:
            self._lesson(db, code)
            stored = db.execute("SELECT owner FROM lessons WHERE code = ?", (code,)).fetchone()[0]
        if stored is None or not isinstance(key, str) or not OWNER_KEY.fullmatch(key):
            return False
        return hmac.compare_digest(stored, _digest(key))

    def add_scene(self, code: str, scene: Scene) -> int:
        """Append `scene` to lesson `code`; its index (0-based)."""
        check_scene(scene)
        with self._connect() as db, _transaction(db):
            lesson = self._lesson(db, code)
            if len(lesson.scenes) >= MAX_SCENES:
                raise Refusal("too_many_scenes")
            scenes = [s.to_json() for s in lesson.scenes] + [scene.to_json()]
            db.execute("UPDATE lessons SET scenes = ? WHERE code = ?", (json.dumps(scenes), code))
        return len(scenes) - 1

    def lesson(self, code: str) -> Lesson:
        """The lesson with this code: Refusal("code") for a malformed code, ("unknown") for one this server
        never issued (a forged code), ("expired") for one older than LESSON_SECONDS."""
        with self._connect() as db:
            return self._lesson(db, code)

    def _lesson(self, db, code: str) -> Lesson:
        check_code(code)
        row = db.execute("SELECT created, scenes FROM lessons WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise Refusal("unknown")
        if row[0] <= self.clock() - LESSON_SECONDS:
            raise Refusal("expired")
        return Lesson(code, row[0], tuple(Scene.from_json(s) for s in json.loads(row[1])))

    # ------------------------------------------------------------------ predictions
    def _check_answer(self, db, code, scene, page, item) -> Lesson:
        lesson = self._lesson(db, code)
        if isinstance(scene, bool) or not isinstance(scene, int) or not 0 <= scene < len(lesson.scenes):
            raise Refusal("scene")
        if not isinstance(page, str) or page != lesson.scenes[scene].page:
            raise Refusal("page")
        if not isinstance(item, str) or not NAME.fullmatch(item):
            raise Refusal("item")
        return lesson

    def record(self, code: str, scene: int, page: str, item: str, voter: str, choice: str,
               choices: tuple[str, ...]) -> bool:
        """Store `voter`'s answer `choice` to `item`; True if it replaced an earlier answer. Refusal (and
        nothing stored) for a forged or expired code, a scene the lesson lacks or whose page differs, a
        malformed item or voter, a choice not among `choices`, or a lesson that already holds MAX_ANSWERS."""
        check_choice(choice, choices)
        if not isinstance(voter, str) or not VOTER.fullmatch(voter):
            raise Refusal("voter")
        with self._connect() as db, _transaction(db):
            self._check_answer(db, code, scene, page, item)
            key = (code, scene, page, item, voter)
            replaced = db.execute("SELECT 1 FROM answers WHERE code = ? AND scene = ? AND page = ? AND item = ? AND voter = ?",
                                  key).fetchone() is not None
            if not replaced and db.execute("SELECT COUNT(*) FROM answers WHERE code = ?", (code,)).fetchone()[0] >= MAX_ANSWERS:
                raise Refusal("full")
            db.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code, scene, page, item, voter) "
                       "DO UPDATE SET choice = excluded.choice, at = excluded.at", key + (choice, self.clock()))
        return replaced

    def counts(self, code: str, scene: int, page: str, item: str, choices: tuple[str, ...]) -> dict[str, int]:
        """{choice: number of answers} for `item`, every choice present (0 if nobody chose it); answers stored
        for a choice no longer offered are left out."""
        check_choices(choices)
        with self._connect() as db:
            self._check_answer(db, code, scene, page, item)
            rows = db.execute("SELECT choice, COUNT(*) FROM answers WHERE code = ? AND scene = ? AND page = ? AND item = ? "
                              "GROUP BY choice", (code, scene, page, item)).fetchall()
        found = dict(rows)
        return {choice: int(found.get(choice, 0)) for choice in choices}


class _Closing:
    """A connection used as `with`: closed on exit (sqlite3's own context manager only commits)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __getattr__(self, name):
        return getattr(self.db, name)

    def __enter__(self):
        return self.db

    def __exit__(self, *exc):
        self.db.close()


class _transaction:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any error, a Refusal included: a refused call stores nothing)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")   # take the write lock now: no upgrade deadlock between readers

    def __exit__(self, kind, value, traceback):
        self.db.execute("ROLLBACK" if kind else "COMMIT")
