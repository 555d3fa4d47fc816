"""The distillation experiment's core (lsr_core/distillation.py): t quantiles against known values, the verdicts
at their boundaries for 3, 5 and 8 seeds, every case function that chooses a sentence, hand-computable
measures (the per-example information on a hand-made case), the stacked students against `experiment.train`,
and a small real run checked against the training experiment it is built on."""

import json

import numpy as np
import pytest

import lsr_core as core
from lsr_core import distillation as D
from lsr_core.calibration import negative_log_likelihood
from lsr_core.classifier import forward, init_mlp
from lsr_core.experiment import digits_dataset, train
from lsr_core.targets import one_hot, smooth_targets

SMALL = core.DistillationSettings(eps=0.2, seeds=2, epochs=3, student_epochs=3, train_size=100, temperatures=(1.0, 4.0))


@pytest.fixture(scope="module")
def small():
    return SMALL.run()


# ---------------------------------------------------------------- statistics

@pytest.mark.parametrize("df, value", [(1, 12.706), (2, 4.303), (4, 2.776), (7, 2.365), (19, 2.093), (30, 2.042)])
def test_t_critical_matches_the_known_quantiles(df, value):
    assert D.t_critical(df) == pytest.approx(value, abs=5e-4)


def test_t_critical_beyond_the_table_continues_it_and_falls_to_the_normal_quantile():
    # the expansion at df = 30 agrees with the tabled value, and beyond it falls monotonically towards 1.96
    z = D.Z_975
    expansion_30 = (z + (z ** 3 + z) / 120 + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * 900)
                    + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * 27000)
                    + (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / (92160 * 810000))
    assert expansion_30 == pytest.approx(D.t_critical(30), abs=2e-6)
    assert D.t_critical(40) == pytest.approx(2.021075, abs=2e-6) and D.t_critical(120) == pytest.approx(1.979930, abs=2e-6)
    values = [D.t_critical(df) for df in range(1, 200)]
    assert all(a > b for a, b in zip(values, values[1:])) and values[-1] > 1.96
    with pytest.raises(ValueError, match=r"^df must be a whole number >= 1, got 0$"):
        D.t_critical(0)


def test_paired_interval_by_hand():
    i = D.paired_interval([1.0, 2.0, 3.0])
    assert (i.mean, i.std, i.count, i.critical) == (2.0, 1.0, 3, D.t_critical(2))
    assert i.low == pytest.approx(2.0 - 4.30265272975 / np.sqrt(3)) and i.high == pytest.approx(2.0 + 4.30265272975 / np.sqrt(3))
    assert i.half_width == pytest.approx(4.30265272975 / np.sqrt(3)) and i.exploratory
    one = D.paired_interval([0.5])
    assert (one.low, one.high, one.verdict, one.critical) == (0.5, 0.5, "unclear", 0.0)
    assert not D.paired_interval([1.0] * 5).exploratory


def spread_around(mean: float, count: int) -> np.ndarray:
    """`count` values with the given mean and a sample standard deviation of exactly 1."""
    base = np.arange(count, dtype=float)
    base = (base - base.mean()) / base.std(ddof=1)
    return mean + base


@pytest.mark.parametrize("count", [3, 5, 8])
def test_the_verdict_at_its_boundary(count):
    """At mean = t·s/√n the interval just touches 0: 'unclear'; a little further from 0: a verdict. The old
    two-standard-error rule would already have said 'lower' at 2·s/√n; the t rule must not."""
    boundary = D.t_critical(count - 1) / np.sqrt(count)
    assert D.difference_verdict(spread_around(-boundary * (1 - 1e-6), count)) == "unclear"
    assert D.difference_verdict(spread_around(-boundary * (1 + 1e-6), count)) == "lower"
    assert D.difference_verdict(spread_around(boundary * (1 - 1e-6), count)) == "unclear"
    assert D.difference_verdict(spread_around(boundary * (1 + 1e-6), count)) == "higher"
    assert D.difference_verdict(spread_around(-2.0 / np.sqrt(count) * 1.01, count)) == "unclear"   # two s.e. is not enough
    assert D.paired_interval(spread_around(0.0, count)).exploratory == (count < 5)
    assert D.evidence_case(count) == ("exploratory" if count < 5 else "stated")


def test_verdicts_without_spread_and_with_one_seed():
    assert D.difference_verdict([-0.5, -0.5]) == "lower" and D.difference_verdict([0.5, 0.5, 0.5]) == "higher"
    assert D.difference_verdict([0.0, 0.0]) == "unclear" and D.difference_verdict([-1.0]) == "unclear"


def test_every_case_function():
    assert [D.paper_case(v) for v in ("lower", "higher", "unclear")] == ["yes", "opposite", "unclear"]
    assert D.temperature_case(["unclear"] * 4) == "none"
    assert D.temperature_case(["unclear", "unclear", "lower", "lower"]) == "lower"
    assert D.temperature_case(["higher", "unclear"]) == "higher" and D.temperature_case(["higher", "lower"]) == "both"
    assert D.mechanism_case("lower", "lower") == "consistent"
    assert D.mechanism_case("lower", "unclear") == "not_explanation" and D.mechanism_case("lower", "higher") == "not_explanation"
    assert D.mechanism_case("unclear", "lower") == "no_loss" and D.mechanism_case("higher", "lower") == "no_loss"
    assert [D.benefit_case(v) for v in ("higher", "lower", "unclear")] == ["helps", "harms", "none"]
    cases = {(r, c): D.nll_case(r, c) for r in ("lower", "higher", "unclear") for c in ("lower", "higher", "unclear")}
    assert {k for k, v in cases.items() if v == "persists"} == {(r, "higher") for r in ("lower", "higher", "unclear")}
    assert {k for k, v in cases.items() if v == "reverses"} == {(r, "lower") for r in ("lower", "higher", "unclear")}
    assert cases[("higher", "unclear")] == "inherited"
    assert cases[("unclear", "unclear")] == cases[("lower", "unclear")] == "none"


def test_reference_presets_come_from_the_measured_axis():
    def axis(mean, low, high):
        verdicts = tuple("lower" if h < 0 else "higher" if lo > 0 else "unclear" for lo, h in zip(low, high))
        return D.TemperatureAxis(np.array([1.0, 2.0, 4.0, 8.0]), np.array(mean), np.array(low), np.array(high), 20, verdicts)

    a = axis([0.0002, -0.0008, -0.0081, -0.058], [-0.003, -0.004, -0.014, -0.083], [0.003, 0.003, -0.002, -0.034])
    assert D.reference_presets(a) == {"shows": 4.0, "absent": 1.0}
    b = axis([-0.01, 0.001, -0.0005, 0.02], [-0.02, -0.01, -0.01, 0.01], [-0.001, 0.01, 0.01, 0.03])
    assert D.reference_presets(b) == {"shows": 1.0, "absent": 4.0}
    c = axis([0.0, 0.0, 0.0, 0.0], [-0.1] * 4, [0.1] * 4)
    assert D.reference_presets(c) == {"shows": None, "absent": 1.0}
    assert a.where("lower") == (4.0, 8.0) and a.case == "lower"
    np.testing.assert_allclose(a.in_points().mean, 100 * a.mean)
    np.testing.assert_allclose(a.above, a.high - a.mean) and np.testing.assert_allclose(a.below, a.mean - a.low)


# ---------------------------------------------------------------- the measures

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


def test_shifted_images_move_each_pixel_by_one_and_fill_with_zeros():
    image = np.arange(1.0, 10.0).reshape(1, 9)     # 3 × 3: [[1 2 3] [4 5 6] [7 8 9]]
    v = D.shifted_images(image, 3).reshape(5, 3, 3)
    np.testing.assert_array_equal(v[0], [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    np.testing.assert_array_equal(v[1], [[0, 0, 0], [1, 2, 3], [4, 5, 6]])   # down
    np.testing.assert_array_equal(v[2], [[4, 5, 6], [7, 8, 9], [0, 0, 0]])   # up
    np.testing.assert_array_equal(v[3], [[0, 1, 2], [0, 4, 5], [0, 7, 8]])   # right
    np.testing.assert_array_equal(v[4], [[2, 3, 0], [5, 6, 0], [8, 9, 0]])   # left
    assert D.shifted_images(np.zeros((4, 64))).shape == (5, 4, 64)


def test_example_information_on_hand_made_logits():
    """Two classes, K = 3. Class 0's examples: the difference z_0 − z_j is the example's own value ± 1 over
    its versions, so between / within = var(means) / 1; class 1's examples all look alike: 0 information."""
    means = np.array([0.0, 2.0, 4.0])                        # var (ddof 0) = 8/3
    noise = np.array([-1.0, 1.0, -1.0, 1.0])                 # four versions, variance 1
    v, n = len(noise), len(means)
    logits = np.zeros((v, n + 2, 3))
    logits[:, :n, 0] = means[None, :] + noise[:, None]       # z_1 = z_2 = 0: both differences carry it
    logits[:, n:, 1] = noise[:, None]                        # class 1: identical examples, only noise
    labels = np.array([0, 0, 0, 1, 1])
    expected_class_0 = 0.5 * np.log(1 + (8 / 3) / 1.0)
    assert D.example_information(logits, labels, 3) == pytest.approx((2 * expected_class_0 + 2 * 0.0) / 4)
    # no noise at all: capped at log(n), the most the choice of one of n examples can carry
    still = np.repeat(logits[:1], 3, axis=0)
    assert D.example_information(still[:, :n], labels[:n], 3) == pytest.approx(np.log(n))
    assert D.example_information(logits[:, :1], labels[:1], 3) == 0.0   # one example: nothing to tell apart
    alike = np.zeros((2, 4, 3))
    assert D.example_information(alike, np.array([0, 0, 1, 1]), 3) == 0.0   # no noise, no difference: nothing


# ---------------------------------------------------------------- training

def test_stacked_students_equal_training_each_alone():
    data = digits_dataset(0.0, 60, seed=2)
    start = init_mlp((64, 16, 10), 7)
    logits = np.random.default_rng(0).standard_normal((60, 10))
    targets = np.stack([one_hot(data.y_train, 10), smooth_targets(data.y_train, 10, 0.2), core.softmax(logits / 4.0)])
    stacked = D.train_students(data.x_train, targets, start, 3, 0.003, 5)
    for student, target in zip(stacked, targets):
        alone = train(data, target, start, 3, 0.003, 5)[0]
        for a, b in zip(student.parameters(), alone.parameters()):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert not np.allclose(stacked[0].weights[0], stacked[1].weights[0])   # different targets, different students


def test_small_run_builds_on_the_training_experiment(small):
    d = small
    assert [s.seed for s in d.seeds] == [0, 1] and d.count == 2 and d.temperatures == (1.0, 4.0)
    for s in d.seeds:
        e = core.run_experiment(10, 0.4, 0.0, 100, s.seed, 0.2, "uniform", 3, data="digits")
        assert s.teacher_accuracy.tolist() == [e.one_hot.metrics.test_accuracy, e.smoothed.metrics.test_accuracy]
        assert s.teacher_nll.tolist() == [e.one_hot.metrics.test_nll, e.smoothed.metrics.test_nll]
        for t_index, temperature in enumerate((1.0, 4.0)):
            r = D.wrong_class_distributions(e.smoothed.test_logits, e.data.y_test, temperature)
            np.testing.assert_allclose(s.shares[t_index, 1], D.similarity_matrix(r, e.data.y_test, 10))
            assert s.structure[t_index, 1] == pytest.approx(D.structure(s.shares[t_index, 1]))
            p = core.softmax(e.one_hot.test_logits / temperature)
            np.testing.assert_allclose(s.probabilities[t_index, 0, 3], p[e.data.y_test == 3].mean(axis=0))
        noisy = D.shifted_images(e.data.x_train)
        z = forward(e.smoothed.model, noisy.reshape(-1, 64))[1].reshape(5, 100, 10)
        assert s.information[1] == pytest.approx(D.example_information(z, e.data.y_train, 10))
        assert s.student_accuracy.shape == s.student_nll_calibrated.shape == (2, 2) and s.control_accuracy.shape == (2,)
        assert np.all(s.student_nll > 0) and np.all(s.control_nll_calibrated > 0)
    probabilities = d.probabilities(4.0)
    np.testing.assert_allclose(probabilities.sum(axis=2), 1.0)
    wrong = d.wrong_probabilities(4.0)
    assert np.all(np.diagonal(wrong, axis1=1, axis2=2) == 0.0)
    np.testing.assert_allclose(wrong.sum(axis=2) + np.diagonal(probabilities, axis1=1, axis2=2), 1.0)
    np.testing.assert_allclose(d.true_probability(4.0), np.diagonal(probabilities, axis1=1, axis2=2).mean(axis=1))
    acc = d.per_teacher("student_accuracy", 4.0)
    np.testing.assert_array_equal(acc, [s.student_accuracy[1] for s in d.seeds])
    diff = d.difference("student_accuracy", 4.0)
    assert diff.mean == pytest.approx(np.mean(acc[:, 1] - acc[:, 0]))
    labels = np.array([s.control_accuracy[0] for s in d.seeds])
    assert d.benefit(1, 4.0).mean == pytest.approx(np.mean(acc[:, 1] - labels))
    assert d.direct_benefit.mean == pytest.approx(np.mean([s.control_accuracy[1] - s.control_accuracy[0] for s in d.seeds]))
    axis = d.temperature_axis
    assert axis.mean[1] == diff.mean and axis.low[1] == diff.low and axis.verdicts[1] == diff.verdict and axis.count == 2
    i, j, p = d.strongest_confusion(0, 4.0)
    assert i != j and p == wrong[0, i, j] == wrong[0].max()
    assert d.uniform_share(1, 4.0) == pytest.approx((1 - d.true_probability(4.0)[1]) / 9)
    with pytest.raises(ValueError, match=r"^temperature must be one of \(1.0, 4.0\), got 2.0$"):
        d.t_index(2.0)


def test_run_is_deterministic_and_reports_progress(small):
    seen = []
    again = SMALL.run(seen.append)
    for a, b in zip(small.seeds, again.seeds):
        np.testing.assert_array_equal(a.student_accuracy, b.student_accuracy)
        np.testing.assert_array_equal(a.probabilities, b.probabilities)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0) and 0 < seen[0] < 0.5
    assert any(value < 0.3 for value in seen), "the teachers' training is reported too, not only the students'"
    alone = D.distil_seed(SMALL, 1)
    np.testing.assert_array_equal(alone.student_nll, small.seeds[1].student_nll)   # a seed does not depend on the others


def test_the_students_learn_the_teachers_softened_outputs_and_answer_at_t(monkeypatch):
    """The distilled students' targets are softmax(z_teacher / T) on the training images (never a label), the
    controls' the one-hot and the smoothed labels; a distilled student answers with its logits times T, and its
    calibrated NLL is its test NLL at the temperature fitted on the validation split."""
    calls = []
    original = D.train_students
    monkeypatch.setattr(D, "train_students", lambda x, targets, *a, **k: calls.append((targets, original(x, targets, *a, **k)))
                        or calls[-1][1])
    settings = core.DistillationSettings(seeds=1, epochs=2, student_epochs=1, train_size=50, temperatures=(2.0, 4.0))
    d = settings.run()
    e = core.run_experiment(10, 0.4, 0.0, 50, 0, settings.eps, "uniform", 2, data="digits")
    (teacher_targets, teachers), (targets, students) = calls
    np.testing.assert_array_equal(teacher_targets[1], smooth_targets(e.data.y_train, 10, settings.eps))
    for ours, theirs in zip(teachers, (e.one_hot.model, e.smoothed.model)):   # the training page's models, exactly
        for a, b in zip(ours.parameters(), theirs.parameters()):
            np.testing.assert_array_equal(a, b)
    assert targets.shape == (6, 50, 10)
    np.testing.assert_array_equal(targets[0], one_hot(e.data.y_train, 10))
    np.testing.assert_allclose(targets[1], smooth_targets(e.data.y_train, 10, settings.eps))
    s = d.seeds[0]
    for index, (temperature, teacher) in enumerate([(2.0, 0), (2.0, 1), (4.0, 0), (4.0, 1)]):
        model = (e.one_hot, e.smoothed)[teacher].model
        np.testing.assert_allclose(targets[2 + index], core.softmax(forward(model, e.data.x_train)[1] / temperature), rtol=1e-12)
        answers = temperature * forward(students[2 + index], e.data.x_test)[1]
        t_index = (2.0, 4.0).index(temperature)
        assert s.student_nll[t_index, teacher] == pytest.approx(negative_log_likelihood(answers, e.data.y_test), rel=1e-12)
        val = temperature * forward(students[2 + index], e.data.x_val)[1]
        scale = core.fit_temperature(val, e.data.y_val)
        assert s.student_nll_calibrated[t_index, teacher] == pytest.approx(
            negative_log_likelihood(answers / scale, e.data.y_test), rel=1e-12)
    plain = forward(students[0], e.data.x_test)[1]
    assert s.control_nll[0] == pytest.approx(negative_log_likelihood(plain, e.data.y_test), rel=1e-12)
    assert d.settings == settings


def hand_made(student_accuracy, structure=None, control=None) -> core.Distillation:
    """A Distillation over len(student_accuracy) seeds with chosen (one-hot, smoothed) student accuracies at
    the one temperature T = 4 (and optionally structures and (labels, direct) control accuracies)."""
    k = 3
    p = np.stack([np.full((k, k), 0.25) + 0.25 * np.eye(k)] * 2)[None]
    p[0, 0, 2] = [0.6, 0.1, 0.3]
    pair = np.array([0.5, 0.5])
    seeds = []
    for i, acc in enumerate(student_accuracy):
        shape = np.array([structure[i]]) if structure is not None else pair[None]
        ctl = np.array(control[i]) if control is not None else pair
        seeds.append(core.SeedResult(i, pair, pair, pair, ctl, pair, pair, np.array([acc]), pair[None], pair[None],
                                     p, p, shape, pair[None]))
    return core.Distillation(core.DistillationSettings(temperatures=(4.0,)), tuple(seeds))


def test_cases_on_hand_made_results():
    worse = hand_made([(0.9, 0.8), (0.9, 0.81), (0.9, 0.79)], structure=[(0.3, 0.0), (0.31, 0.01), (0.29, 0.0)])
    assert worse.verdict("student_accuracy", 4.0) == "lower" and worse.paper_case(4.0) == "yes"
    assert worse.mechanism_case(4.0) == "consistent" and worse.temperature_axis.case == "lower"
    assert worse.difference("student_accuracy", 4.0).mean == pytest.approx(-0.1)
    better = hand_made([(0.8, 0.9), (0.81, 0.9), (0.79, 0.9)], structure=[(0.3, 0.0), (0.31, 0.01), (0.29, 0.0)])
    assert better.paper_case(4.0) == "opposite" and better.mechanism_case(4.0) == "not_explanation"
    noisy = hand_made([(0.8, 0.9), (0.9, 0.8)])
    assert noisy.paper_case(4.0) == "unclear" and noisy.mechanism_case(4.0) == "no_loss" and noisy.temperature_axis.case == "none"
    helped = hand_made([(0.95, 0.9), (0.96, 0.9), (0.94, 0.9)], control=[(0.9, 0.9), (0.91, 0.93), (0.9, 0.88)])
    assert helped.benefit(0, 4.0).verdict == "higher" and helped.benefit(1, 4.0).verdict == "unclear"
    assert helped.benefit(0, 4.0).mean == pytest.approx(np.mean([0.05, 0.05, 0.04]))
    assert helped.direct_benefit.verdict == "unclear"
    assert worse.strongest_confusion(0, 4.0) == (2, 0, 0.6) and worse.strongest_confusion(1, 4.0) == (0, 1, 0.25)
    assert worse.uniform_share(0, 4.0) == pytest.approx((1 - np.mean([0.5, 0.5, 0.3])) / 2)


def test_the_stored_reference_is_what_its_record_says():
    """assets/distillation_reference.json: written by bench/distillation_reference.py from `reference_record`;
    its presets are `reference_presets` of its own axis, and its default entry matches the page's default."""
    references = D.load_references()
    assert references, "run bench/distillation_reference.py"
    default = D.find_reference(references, core.DistillationSettings())
    assert default is not None and default.count >= 20
    for r in references:
        assert r.presets == D.reference_presets(r.axis)
        assert r.axis.verdicts == tuple("lower" if h < 0 else "higher" if lo > 0 else "unclear"
                                        for lo, h in zip(r.axis.low, r.axis.high))
        assert np.all(r.axis.low <= r.axis.mean) and np.all(r.axis.mean <= r.axis.high)
    assert D.load_references("/nonexistent/reference.json") == ()


def test_reference_record_round_trip(small, tmp_path):
    path = tmp_path / "reference.json"
    path.write_text(json.dumps([D.reference_record(small)]))
    (r,) = D.load_references(path)
    assert r.matches(SMALL) and not r.matches(core.DistillationSettings())
    assert r.count == 2 and r.settings.per_seed == SMALL.per_seed
    np.testing.assert_allclose(r.axis.mean, small.temperature_axis.mean)
    assert r.benefit_low[1, 0] == pytest.approx(small.benefit(0, 4.0).low)
    assert r.labels_accuracy == pytest.approx(small.control()[0].mean)


@pytest.mark.parametrize("settings, message", [
    (core.DistillationSettings(seeds=0), "seeds must be a whole number >= 1, got 0"),
    (core.DistillationSettings(temperatures=(4.0, 0.0)), "temperature must be a positive number, got 0.0"),
    (core.DistillationSettings(temperatures=()), "temperatures must hold at least one temperature"),
    (core.DistillationSettings(eps=1.5), "eps must lie in [0, 1], got 1.5"),
    (core.DistillationSettings(prior="half"), "prior must be one of ('uniform', 'others'), got 'half'"),
    (core.DistillationSettings(student_epochs=0), "student_epochs must be a whole number >= 1, got 0"),
    (core.DistillationSettings(epochs=0), "epochs must be a whole number >= 1, got 0"),
    (core.DistillationSettings(train_size=5), "train_size must be a whole number >= 10, got 5"),
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


# ---------------------------------------------------------------- claims as code: each chosen sentence's claim,
# checked with this test's own arithmetic (its own t table from published quantiles, its own means and deviations)

PUBLISHED_T = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 19: 2.093}


def own_interval(values) -> tuple[float, float]:
    v = [float(x) for x in values]
    n = len(v)
    mean = sum(v) / n
    if n < 2:
        return mean, mean
    s = (sum((x - mean) ** 2 for x in v) / (n - 1)) ** 0.5
    half = PUBLISHED_T[n - 1] * s / n ** 0.5
    return mean - half, mean + half


def position(values) -> str:
    """'below', 'above' or 'contains' 0, by the test's own interval (a margin keeps rounding of the published
    3-decimal quantiles from deciding a case that sits on its boundary)."""
    low, high = own_interval(values)
    if high < -1e-9:
        return "below"
    if low > 1e-9:
        return "above"
    return "contains"


def holds(key: str, d: core.Distillation, temperature: float) -> bool:
    S = len(d.seeds)

    def per(name, t=temperature, teacher=None):
        return [getattr(s, name)[d.temperatures.index(t)] if getattr(s, name).ndim > 1 else getattr(s, name)
                for s in d.seeds]

    def diff(name, t=temperature):
        return [v[1] - v[0] for v in per(name, t)]

    family, case = key.rsplit(".", 1)
    if family == "distillation.evidence":
        return (S < 5) == (case == "exploratory")
    if family == "distillation.paper":
        return position(diff("student_accuracy")) == {"yes": "below", "opposite": "above", "unclear": "contains"}[case]
    if family == "distillation.temperature_case":
        where = [position(diff("student_accuracy", t)) for t in d.temperatures]
        return {"none": set(where) == {"contains"}, "lower": "below" in where and "above" not in where,
                "higher": "above" in where and "below" not in where, "both": {"below", "above"} <= set(where)}[case]
    labels = [s.control_accuracy[0] for s in d.seeds]
    if family == "distillation.benefit":   # both teachers' sentences: the key must fit one of them
        found = {position([v[teacher] - l for v, l in zip(per("student_accuracy"), labels)]) for teacher in (0, 1)}
        return {"helps": "above", "harms": "below", "none": "contains"}[case] in found
    if family == "distillation.direct":
        return position([s.control_accuracy[1] - s.control_accuracy[0] for s in d.seeds]) == \
            {"helps": "above", "harms": "below", "none": "contains"}[case]
    if family == "distillation.nll":
        raw, cal = position(diff("student_nll")), position(diff("student_nll_calibrated"))
        return {"persists": cal == "above", "reverses": cal == "below", "inherited": raw == "above" and cal == "contains",
                "none": cal == "contains" and raw != "above"}[case]
    if family == "distillation.mechanism":
        shape, acc = position(diff("structure")), position(diff("student_accuracy"))
        return {"consistent": shape == "below" and acc == "below", "not_explanation": shape == "below" and acc != "below",
                "no_loss": shape != "below"}[case]
    if family == "distillation.information":
        return position([s.information[1] - s.information[0] for s in d.seeds]) == \
            {"lower": "below", "higher": "above", "unclear": "contains"}[case]
    raise AssertionError(f"no check for {key}")


def claim_cases():
    rng = np.random.default_rng(4)
    yield hand_made([(0.9, 0.8), (0.9, 0.81), (0.9, 0.79)], structure=[(0.3, 0.0), (0.31, 0.01), (0.29, 0.0)])
    yield hand_made([(0.8, 0.9), (0.81, 0.9), (0.79, 0.9)], control=[(0.9, 0.95), (0.91, 0.94), (0.9, 0.96)])
    yield hand_made([(0.8, 0.9), (0.9, 0.8)])
    for count in (3, 5, 8):   # random results around the boundaries
        acc = 0.9 + 0.01 * rng.standard_normal((count, 2)) - [0.0, 0.006]
        yield hand_made([tuple(a) for a in acc], structure=[tuple(x) for x in 0.1 + 0.01 * rng.standard_normal((count, 2))],
                        control=[tuple(x) for x in 0.9 + 0.01 * rng.standard_normal((count, 2))])


def test_every_chosen_sentence_declares_a_claim_that_holds(small):
    from pages.ui.i18n import LANGUAGES, load_catalogue

    for lang in LANGUAGES:   # every key a sentence can take is in both catalogues
        assert set(D.CLAIMS) <= set(load_catalogue(lang))
    chosen = set()
    for d in [small, *claim_cases()]:
        for temperature in d.temperatures:
            keys = D.sentence_keys(d, temperature)
            chosen |= set(keys)
            for key in keys:
                assert key in D.CLAIMS
                assert holds(key, d, temperature), (key, temperature, d.count)
    assert len(chosen) >= 12   # the cases above reach most sentences, not one path only
