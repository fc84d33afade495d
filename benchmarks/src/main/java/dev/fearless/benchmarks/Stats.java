package dev.fearless.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * The statistics behind every verdict in {@code docs/benchmarks.md}, kept apart from the report so
 * that they can be unit-tested.
 *
 * <p>A benchmark's sample is one value per fork (the mean of that fork's measurement iterations):
 * iterations within one JVM share its JIT decisions, heap layout and thread placement, so they
 * are not independent, and only the spread between forks says how much a rerun could move. A
 * score's interval and a ratio's interval are both computed on the <em>logarithm</em>: timings
 * are positive and skewed, a ratio of two noisy scores is far from normal, and
 * {@code log(f / p) = log f - log p} turns the ratio into a difference of means. The ratio's
 * interval is Welch's 95 % t-interval for that difference (the two benchmarks ran in different
 * forks, so the samples are independent, not paired, and their variances may differ), mapped back
 * with {@code exp}: it is never negative and is asymmetric as a ratio interval should be.
 *
 * <pre>{@code
 * Stats.Interval r = Stats.ratio(fearlessForkMeans, peerForkMeans);
 * Stats.Verdict v = Stats.verdict(r, 1.0); // MET only if the whole interval is at or below 1.0
 * }</pre>
 */
final class Stats {

    /** Forks a row needs before its interval may decide a target. */
    static final int DECIDE_FORKS = 5;

    /** Two-sided confidence of every interval. */
    static final double CONFIDENCE = 0.95;

    /** A score whose interval reaches further than ±50 % of its estimate is too wide to be a peer's bar. */
    static final double WIDE = 0.5;

    private Stats() {}

    /** An estimate with its 95 % interval; {@code low} may be 0 and {@code high} infinite when unknown. */
    record Interval(double estimate, double low, double high) {

        boolean contains(double value) {
            return low <= value && value <= high;
        }

        /** The larger relative distance from the estimate to either end (0.5 means ±50 %). */
        double relativeHalfWidth() {
            return Math.max(high / estimate - 1, 1 - low / estimate);
        }

        boolean wide() {
            return !(relativeHalfWidth() <= WIDE);
        }
    }

    /** What an interval says about a target of the form "ratio ≤ target". */
    enum Verdict {
        /** The whole interval is at or below the target. */
        MET,
        /** The whole interval is above the target. */
        MISSED,
        /** The interval straddles the target: this run cannot tell. */
        UNDECIDED;

        String text() {
            return switch (this) {
                case MET -> "met";
                case MISSED -> "**missed**";
                case UNDECIDED -> "undecided";
            };
        }
    }

    /**
     * The verdict on "ratio ≤ target" from the interval alone.
     *
     * @param ratio the ratio's interval
     * @param target the largest acceptable ratio
     * @return met, missed or undecided
     */
    static Verdict verdict(Interval ratio, double target) {
        if (ratio.high() <= target) {
            return Verdict.MET;
        }
        if (ratio.low() > target) {
            return Verdict.MISSED;
        }
        return Verdict.UNDECIDED;
    }

    /**
     * A score's geometric mean and its 95 % t-interval, from one value per fork (or per iteration
     * when there is a single fork). Fewer than two values give an unbounded interval.
     *
     * @param values positive scores
     * @return the interval
     */
    static Interval score(double[] values) {
        double[] logs = logs(values);
        double mean = mean(logs);
        if (logs.length < 2) {
            return new Interval(Math.exp(mean), 0, Double.POSITIVE_INFINITY);
        }
        double half = tQuantile(1 - (1 - CONFIDENCE) / 2, logs.length - 1) * Math.sqrt(variance(logs) / logs.length);
        return new Interval(Math.exp(mean), Math.exp(mean - half), Math.exp(mean + half));
    }

    /**
     * The ratio {@code fearless / peer} of geometric means and Welch's 95 % t-interval on the log
     * ratio, mapped back with {@code exp}. A side with fewer than two values gives an unbounded
     * interval.
     *
     * @param fearless positive scores of the Fearless benchmark, one per fork
     * @param peer positive scores of the peer, one per fork
     * @return the ratio's interval
     */
    static Interval ratio(double[] fearless, double[] peer) {
        double[] f = logs(fearless);
        double[] p = logs(peer);
        double difference = mean(f) - mean(p);
        if (f.length < 2 || p.length < 2) {
            return new Interval(Math.exp(difference), 0, Double.POSITIVE_INFINITY);
        }
        double a = variance(f) / f.length;
        double b = variance(p) / p.length;
        double se = Math.sqrt(a + b);
        if (se == 0) {
            return new Interval(Math.exp(difference), Math.exp(difference), Math.exp(difference));
        }
        double df = (a + b) * (a + b) / (a * a / (f.length - 1) + b * b / (p.length - 1));
        double half = tQuantile(1 - (1 - CONFIDENCE) / 2, df) * se;
        return new Interval(Math.exp(difference), Math.exp(difference - half), Math.exp(difference + half));
    }

    /**
     * The difference {@code (mean(fearless) - mean(peer)) / sites} of plain means and Welch's 95 %
     * t-interval on it: the cost per event site of what the Fearless benchmark adds. A side with
     * fewer than two values gives an unbounded interval.
     *
     * @param fearless scores of the Fearless benchmark, one per fork
     * @param peer scores of the peer, one per fork
     * @param sites the number of event sites the difference is spread over, positive
     * @return the interval of the difference per site
     */
    static Interval difference(double[] fearless, double[] peer, int sites) {
        double difference = (mean(fearless) - mean(peer)) / sites;
        if (fearless.length < 2 || peer.length < 2) {
            return new Interval(difference, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }
        double a = variance(fearless) / fearless.length;
        double b = variance(peer) / peer.length;
        double se = Math.sqrt(a + b);
        if (se == 0) {
            return new Interval(difference, difference, difference);
        }
        double df = (a + b) * (a + b) / (a * a / (fearless.length - 1) + b * b / (peer.length - 1));
        double half = tQuantile(1 - (1 - CONFIDENCE) / 2, df) * se / sites;
        return new Interval(difference, difference - half, difference + half);
    }

    /**
     * The peer to compare with: among the peers whose own interval is at most ±50 % wide, the one
     * whose interval ends lowest (the best score this run can vouch for, not the luckiest mean).
     *
     * @param peers each peer's score interval
     * @return the index of the chosen peer, or empty when every peer is too wide
     */
    static OptionalInt bestPeer(List<Interval> peers) {
        int best = -1;
        for (int i = 0; i < peers.size(); i++) {
            Interval peer = peers.get(i);
            if (!peer.wide() && (best < 0 || peer.high() < peers.get(best).high())) {
                best = i;
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /**
     * The {@code p}-quantile of Student's t distribution with {@code df} degrees of freedom
     * (non-integer {@code df} as Welch's approximation gives), for {@code 0.5 ≤ p < 1}.
     *
     * @param p the probability
     * @param df degrees of freedom, positive
     * @return t such that P(T ≤ t) = p
     */
    static double tQuantile(double p, double df) {
        if (!(p >= 0.5 && p < 1) || !(df > 0)) {
            throw new IllegalArgumentException("p must be in [0.5, 1) and df positive: p=" + p + ", df=" + df);
        }
        double low = 0;
        double high = 1;
        while (tCdf(high, df) < p) {
            high *= 2;
        }
        for (int i = 0; i < 200 && high - low > 1e-12 * high; i++) {
            double mid = (low + high) / 2;
            if (tCdf(mid, df) < p) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return (low + high) / 2;
    }

    /** P(T ≤ t) for t ≥ 0: 1 − I_x(df/2, 1/2) / 2 with x = df / (df + t²). */
    static double tCdf(double t, double df) {
        return 1 - 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
    }

    /** The regularized incomplete beta function I_x(a, b) by its continued fraction (Lentz). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - front * betaFraction(1 - x, b, a) / b;
        }
        return front * betaFraction(x, a, b) / a;
    }

    private static double betaFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 500; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 / nonZero(1 + aa * d);
            c = nonZero(1 + aa / c);
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 / nonZero(1 + aa * d);
            c = nonZero(1 + aa / c);
            double step = d * c;
            h *= step;
            if (Math.abs(step - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    private static double nonZero(double value) {
        return Math.abs(value) < 1e-300 ? 1e-300 : value;
    }

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** log Γ(x) for x > 0 (Lanczos, g = 7). */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
        }
        double z = x - 1;
        double sum = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /**
     * The {@code q}-quantile (0..1) of a histogram of {@code [value, count]} pairs, the lowest
     * value whose cumulative count reaches {@code q} of the total (what JMH's percentiles report).
     *
     * @param histogram pairs of value and count, in any order
     * @param q the quantile, for example 0.99
     * @return the quantile, or NaN for an empty histogram
     */
    static double quantile(double[][] histogram, double q) {
        double[][] sorted = histogram.clone();
        Arrays.sort(sorted, (x, y) -> Double.compare(x[0], y[0]));
        double total = 0;
        for (double[] bin : sorted) {
            total += bin[1];
        }
        double seen = 0;
        for (double[] bin : sorted) {
            seen += bin[1];
            if (seen >= q * total) {
                return bin[0];
            }
        }
        return Double.NaN;
    }

    private static double[] logs(double[] values) {
        double[] logs = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] > 0)) {
                throw new IllegalArgumentException("scores must be positive: " + Arrays.toString(values));
            }
            logs[i] = Math.log(values[i]);
        }
        return logs;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double variance(double[] values) {
        double mean = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return sum / (values.length - 1);
    }
}
