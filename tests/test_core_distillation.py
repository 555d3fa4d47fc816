"""The distillation experiment's core (lsr_core/distillation.py): hand-computable measures, the verdict at
its boundary, and a small real run checked against the training experiment it is built on."""

import numpy as np
import pytest

import lsr_core as core
from lsr_core import distillation as D

SMALL = core.DistillationSettings(eps=0.2, temperature=2.0, seeds=2, epochs=3, student_epochs=3, train_size=100)


@pytest.fixture(scope="module")
def small():
    return SMALL.run()


def test_wrong_class_distribution_by_hand_and_past_float_rounding():
    r = D.wrong_class_distributions(np.array([[0.0, 1.0, 2.0], [1000.0, 1.0, 0.0]]), np.array([1, 0]), 1.0)
    np.testing.assert_allclose(r[0], [1 / (1 + np.e ** 2), 0.0, np.e ** 2 / (1 + np.e ** 2)])
    # p(true) rounds to exactly 1 here, but the wrong classes still get their exact share
    np.testing.assert_allclose(r[1], [0.0, np.e / (np.e + 1), 1 / (np.e + 1)], rtol=1e-15)
    halved = D.wrong_class_distributions(np.array([[0.0, 1.0, 2.0]]), np.array([1]), 2.0)
    np.testing.assert_allclose(halved[0, 2], np.e / (1 + np.e))


def test_similarity_structure_and_variation_by_hand():
    r = np.array([[0.0, 0.8, 0.2], [0.0, 0.4, 0.6], [0.5, 0.0, 0.5]])
    labels = np.array([0, 0, 1])
    sim = D.similarity_matrix(r, labels, 3)
    np.testing.assert_allclose(sim, [[0, 0.6, 0.4], [0.5, 0, 0.5], [0.5, 0.5, 0]])   # class 2 has no example
    expected = np.mean([1 - (-(0.6 * np.log(0.6) + 0.4 * np.log(0.4))) / np.log(2), 0.0, 0.0])
    assert D.structure(sim) == pytest.approx(expected)
    assert D.variation(r, labels, sim) == pytest.approx(np.mean([0.2, 0.2, 0.0]))
    assert D.structure(np.array([[0.0, 1.0], [1.0, 0.0]])) == 0.0   # K = 2: one wrong class, nothing to compare


def test_estimate_and_the_verdict_at_its_boundary():
    e = core.estimate([0.5])
    assert (e.mean, e.std, e.sem, e.count) == (0.5, 0.0, 0.0, 1)
    # mean −2, standard deviation √2, standard error 1: exactly two standard errors below 0 is not enough
    assert core.difference_verdict([-1.0, -3.0]) == "unclear"
    assert core.difference_verdict([-1.01, -3.0]) == "lower"   # a little less spread: now it counts
    assert core.difference_verdict([1.01, 3.0]) == "higher" and core.difference_verdict([1.0, 3.0]) == "unclear"
    assert core.difference_verdict([-1.0]) == "unclear" and core.difference_verdict([0.0, 0.0]) == "unclear"
    assert core.difference_verdict([-0.5, -0.5]) == "lower"   # no spread at all: any shift counts


def test_small_run_builds_on_the_training_experiment(small):
    d = small
    assert [s.seed for s in d.seeds] == [0, 1]
    for s in d.seeds:
        e = core.run_experiment(10, 0.4, 0.0, 100, s.seed, 0.2, "uniform", 3, data="digits")
        assert s.teacher_accuracy.tolist() == [e.one_hot.metrics.test_accuracy, e.smoothed.metrics.test_accuracy]
        assert s.teacher_nll.tolist() == [e.one_hot.metrics.test_nll, e.smoothed.metrics.test_nll]
        r = D.wrong_class_distributions(e.smoothed.test_logits, e.data.y_test, 2.0)
        np.testing.assert_allclose(s.similarity[1], D.similarity_matrix(r, e.data.y_test, 10))
        assert s.structure[1] == pytest.approx(D.structure(s.similarity[1]))
        assert 0.0 <= s.student_accuracy.min() and s.student_accuracy.max() <= 1.0 and np.all(s.student_nll > 0)
    sim = d.similarity
    assert sim.shape == (2, 10, 10) and np.allclose(np.diagonal(sim, axis1=1, axis2=2), 0.0)
    np.testing.assert_allclose(sim.sum(axis=2), 1.0)
    np.testing.assert_allclose(sim, np.mean([s.similarity for s in d.seeds], axis=0))
    a, b = d.summary("student_accuracy")
    assert a.mean == pytest.approx(np.mean([s.student_accuracy[0] for s in d.seeds])) and b.count == 2
    diff = d.difference("student_nll")
    assert diff.mean == pytest.approx(np.mean([s.student_nll[1] - s.student_nll[0] for s in d.seeds]))
    assert d.verdict("student_nll") == core.difference_verdict([s.student_nll[1] - s.student_nll[0] for s in d.seeds])
    assert d.reproduces_paper == {"lower": "yes", "higher": "opposite", "unclear": "unclear"}[d.verdict("student_accuracy")]
    i, j, p = d.strongest_confusion(0)
    assert i != j and p == sim[0, i, j] == sim[0][~np.eye(10, dtype=bool)].max()
    assert d.uniform_share == pytest.approx(1 / 9)


def test_run_is_deterministic_and_reports_progress(small):
    seen = []
    again = SMALL.run(seen.append)
    for a, b in zip(small.seeds, again.seeds):
        np.testing.assert_array_equal(a.student_accuracy, b.student_accuracy)
        np.testing.assert_array_equal(a.similarity, b.similarity)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0) and 0 < seen[0] < 0.5
    assert any(value < 0.3 for value in seen), "the teachers' training is reported too, not only the students'"


def test_the_students_learn_the_teachers_softened_outputs_and_answer_at_t_1(monkeypatch):
    """The students' targets are softmax(z_teacher / T) on the training images (never a label), and a student
    answers with its logits times T (fitted at T, used at T = 1, as in Hinton et al.)."""
    from lsr_core.calibration import negative_log_likelihood
    from lsr_core.classifier import forward

    calls = []
    original = D.train
    monkeypatch.setattr(D, "train", lambda data, soft, *a, **k: calls.append((soft, original(data, soft, *a, **k)[0]))
                        or (calls[-1][1], None))
    settings = core.DistillationSettings(seeds=1, epochs=2, student_epochs=1, train_size=50, temperature=4.0)
    d = settings.run()
    e = core.run_experiment(10, 0.4, 0.0, 50, 0, settings.eps, "uniform", 2, data="digits")
    assert len(calls) == 2
    for (soft, student), teacher, run in zip(calls, (e.one_hot, e.smoothed), range(2)):
        z = forward(teacher.model, e.data.x_train)[1]
        np.testing.assert_allclose(soft, core.softmax(z / 4.0), rtol=1e-12)
        answers = 4.0 * forward(student, e.data.x_test)[1]
        assert d.seeds[0].student_nll[run] == pytest.approx(negative_log_likelihood(answers, e.data.y_test), rel=1e-12)
    assert d.settings == settings


def hand_made(student_accuracy: list[tuple[float, float]]) -> core.Distillation:
    """A Distillation over len(student_accuracy) seeds with chosen student accuracies, the rest fixed."""
    sim = np.stack([np.full((3, 3), 0.5) - 0.5 * np.eye(3)] * 2)
    sim[0, 2] = [0.9, 0.1, 0.0]
    pair = np.array([0.5, 0.5])
    seeds = tuple(core.SeedResult(i, pair, pair, np.array(acc), pair, sim, pair, pair)
                  for i, acc in enumerate(student_accuracy))
    return core.Distillation(SMALL, seeds)


def test_verdicts_and_the_paper_sentence_on_hand_made_results():
    worse = hand_made([(0.9, 0.8), (0.9, 0.81), (0.9, 0.79)])
    assert worse.verdict("student_accuracy") == "lower" and worse.reproduces_paper == "yes"
    assert worse.difference("student_accuracy").mean == pytest.approx(-0.1)
    better = hand_made([(0.8, 0.9), (0.81, 0.9), (0.79, 0.9)])
    assert better.verdict("student_accuracy") == "higher" and better.reproduces_paper == "opposite"
    noisy = hand_made([(0.8, 0.9), (0.9, 0.8)])
    assert noisy.verdict("student_accuracy") == "unclear" and noisy.reproduces_paper == "unclear"
    assert worse.strongest_confusion(0) == (2, 0, 0.9) and worse.strongest_confusion(1) == (0, 1, 0.5)
    assert worse.summary("teacher_nll")[1].mean == 0.5 and worse.per_teacher("student_accuracy").shape == (3, 2)


@pytest.mark.parametrize("settings, message", [
    (core.DistillationSettings(seeds=0), "seeds must be a whole number >= 1, got 0"),
    (core.DistillationSettings(temperature=0.0), "temperature must be a positive number, got 0.0"),
    (core.DistillationSettings(eps=1.5), "eps must lie in [0, 1], got 1.5"),
    (core.DistillationSettings(student_epochs=0), "student_epochs must be a whole number >= 1, got 0"),
])
def test_bad_settings_get_a_clear_message(settings, message):
    with pytest.raises(ValueError) as error:
        settings.run()
    assert str(error.value) == message


def test_other_clear_messages():
    with pytest.raises(ValueError, match=r"^temperature must be a positive number, got 0.0$"):
        D.wrong_class_distributions(np.zeros((1, 3)), np.array([0]), 0.0)
    with pytest.raises(ValueError, match=r"^seed must be a whole number >= 0, got -1$"):
        core.digits.digits_split(-1)
