package dev.fearless.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Known inputs to {@link Stats}, and the intervals and verdicts they must give. */
class StatsTest {

    /** Five fork means e^(c·0.01) · scale for c = -2..2: the logs' sample variance is 2.5e-4. */
    private static double[] forks(double scale) {
        double[] values = new double[5];
        for (int i = 0; i < 5; i++) {
            values[i] = scale * Math.exp((i - 2) * 0.01);
        }
        return values;
    }

    @Test
    void studentQuantilesMatchTheTable() {
        assertEquals(12.7062, Stats.tQuantile(0.975, 1), 1e-3);
        assertEquals(2.7764, Stats.tQuantile(0.975, 4), 1e-4);
        assertEquals(2.3060, Stats.tQuantile(0.975, 8), 1e-4);
        assertEquals(2.0860, Stats.tQuantile(0.975, 20), 1e-4);
        assertEquals(1.9600, Stats.tQuantile(0.975, 1e7), 1e-3);
        assertEquals(0.0, Stats.tQuantile(0.5, 3), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Stats.tQuantile(0.975, 0));
    }

    @Test
    void ratioIntervalIsWelchOnTheLogRatio() {
        // log ratio ln 2; se = sqrt(2 · 2.5e-4 / 5) = 0.01; Welch df = 8 (equal variances), t = 2.3060
        Stats.Interval r = Stats.ratio(forks(200), forks(100));
        assertEquals(2.0, r.estimate(), 1e-12);
        assertEquals(2 * Math.exp(-2.3060 * 0.01), r.low(), 1e-4);
        assertEquals(2 * Math.exp(2.3060 * 0.01), r.high(), 1e-4);
        assertEquals(1.9544, r.low(), 1e-4);
        assertEquals(2.0467, r.high(), 1e-4);
    }

    @Test
    void ratioIntervalIsNeverNegativeEvenWhenTheScoresAreWild() {
        // the old quadrature rule gave ratios like "1.22 ± 1.40", below zero
        Stats.Interval r = Stats.ratio(new double[] {100, 900, 300, 2000, 150}, new double[] {800, 100, 600, 90, 1500});
        assertTrue(r.low() > 0, r.toString());
        assertTrue(r.low() < 1 && r.high() > 1, r.toString());
        assertEquals(Stats.Verdict.UNDECIDED, Stats.verdict(r, 1.0));
    }

    @Test
    void verdictComesFromTheIntervalAlone() {
        Stats.Interval r = Stats.ratio(forks(200), forks(100)); // [1.954, 2.047]
        assertEquals(Stats.Verdict.MISSED, Stats.verdict(r, 1.0));
        assertEquals(Stats.Verdict.MISSED, Stats.verdict(r, 1.95));
        assertEquals(Stats.Verdict.UNDECIDED, Stats.verdict(r, 2.0)); // the estimate is on the target
        assertEquals(Stats.Verdict.UNDECIDED, Stats.verdict(r, 1.96));
        assertEquals(Stats.Verdict.MET, Stats.verdict(r, 2.05));
        assertEquals("met", Stats.Verdict.MET.text());
        assertEquals("undecided", Stats.Verdict.UNDECIDED.text());
    }

    @Test
    void aaCalibrationContainsOneAndAShiftedOneDoesNot() {
        Stats.Interval same = Stats.ratio(forks(100), forks(100));
        assertEquals(1.0, same.estimate(), 1e-12);
        assertTrue(same.contains(1.0));
        assertEquals(Math.exp(-2.3060 * 0.01), same.low(), 1e-4);

        // the same code, but the second benchmark always ran 10 % faster: the run must be flagged
        Stats.Interval shifted = Stats.ratio(forks(110), forks(100));
        assertFalse(shifted.contains(1.0), shifted.toString());
    }

    @Test
    void scoreIntervalIsATIntervalOnTheLogs() {
        Stats.Interval s = Stats.score(forks(100)); // se of the log mean = sqrt(2.5e-4 / 5); df 4
        double half = 2.7764 * Math.sqrt(2.5e-4 / 5);
        assertEquals(100, s.estimate(), 1e-9);
        assertEquals(100 * Math.exp(-half), s.low(), 1e-3);
        assertEquals(100 * Math.exp(half), s.high(), 1e-3);
        assertFalse(s.wide());
    }

    @Test
    void fewerThanTwoValuesGiveAnUnboundedInterval() {
        Stats.Interval r = Stats.ratio(new double[] {200}, forks(100));
        assertEquals(2.0, r.estimate(), 1e-9);
        assertEquals(0, r.low());
        assertEquals(Double.POSITIVE_INFINITY, r.high());
        assertEquals(Stats.Verdict.UNDECIDED, Stats.verdict(r, 1.0));
        assertTrue(Stats.score(new double[] {5}).wide());
    }

    @Test
    void bestPeerIsChosenByIntervalAndAWidePeerIsNeverChosen() {
        // "lucky": the lowest geometric mean (~90), but its fork means spread over 30..270
        Stats.Interval lucky = Stats.score(new double[] {30, 270, 90, 60, 200});
        Stats.Interval steady = Stats.score(forks(100));
        Stats.Interval slower = Stats.score(forks(120));
        assertTrue(lucky.estimate() < steady.estimate());
        assertTrue(lucky.wide(), lucky.toString());
        assertEquals(OptionalInt.of(1), Stats.bestPeer(List.of(lucky, steady, slower)));
        assertEquals(OptionalInt.of(0), Stats.bestPeer(List.of(slower, lucky)));
        assertEquals(OptionalInt.empty(), Stats.bestPeer(List.of(lucky)));
    }

    @Test
    void bestPeerPrefersTheLowerUpperEnd() {
        // a: estimate 100 but ±40 %; b: estimate 105, ±2 %: b's interval ends lower, so b is the bar
        Stats.Interval a = new Stats.Interval(100, 60, 140);
        Stats.Interval b = new Stats.Interval(105, 103, 107);
        assertFalse(a.wide());
        assertEquals(OptionalInt.of(1), Stats.bestPeer(List.of(a, b)));
        assertTrue(new Stats.Interval(100, 60, 151).wide());
    }

    @Test
    void differencePerSiteIsWelchOnPlainMeans() {
        // none: 10 ± small; noop: 18: 8 ns over 2 sites = 4 ns per site
        double[] none = {9.9, 10.1, 10.0, 9.8, 10.2};
        double[] noop = {17.9, 18.1, 18.0, 17.8, 18.2};
        Stats.Interval d = Stats.difference(noop, none, 2);
        assertEquals(4.0, d.estimate(), 1e-9);
        // sample variance 0.025 each; se = sqrt(2 · 0.025 / 5) = 0.1; df 8; per site / 2
        assertEquals(4.0 - 2.3060 * 0.1 / 2, d.low(), 1e-4);
        assertEquals(4.0 + 2.3060 * 0.1 / 2, d.high(), 1e-4);
        assertEquals(Stats.Verdict.MET, Stats.verdict(d, 5.0));
        assertEquals(Stats.Verdict.MISSED, Stats.verdict(d, 3.5));
    }

    @Test
    void quantileOfAHistogram() {
        double[][] histogram = {{300, 1}, {100, 50}, {200, 48}, {1000, 1}};
        assertEquals(100, Stats.quantile(histogram, 0.5));
        assertEquals(200, Stats.quantile(histogram, 0.98));
        assertEquals(300, Stats.quantile(histogram, 0.99));
        assertEquals(1000, Stats.quantile(histogram, 0.999));
    }
}
