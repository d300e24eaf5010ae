package io.citytwin.rule;

import java.time.Instant;
import java.util.List;

/*
 * NAB SCORING (Lavin and Ahmad, "Evaluating Real-time Anomaly Detection Algorithms - the Numenta Anomaly Benchmark",
 * IEEE ICMLA 2015; the reference implementation's sweeper.py and the "standard" application profile).
 *
 * Each labelled anomaly window rewards only its first detection, by a scaled sigmoid of the detection's position in
 * the window: sigma(y) = 2 / (1 + e^(5y)) - 1 with y = -(right - i + 1) / width (about -1 at the window's start, so
 * about +0.99, falling to 0 at its end), weighted tp / sigma(-1) so that a detection at the very start earns tp. A
 * window without a detection costs -fn. A detection outside every window costs fp * sigma(y) with y its distance past
 * the end of the previous window relative to that window's width (so a detection just after a window is forgiven
 * most; sigma is -1 beyond 3 widths, or with no window before it). Detections in the probationary period (the first
 * 15 % of the series, at most 750 points) are not scored. The standard profile: tp = 1, fn = 1, fp = 0.11.
 *
 * Normalised over a corpus: 100 * (S - S_null) / (S_perfect - S_null), where the null detector (never fires) scores
 * -fn per window and the perfect one tp per window: 0 is doing nothing, 100 perfect, negative worse than nothing.
 */
/** NAB-style score of one detector's detections on one labelled series. */
final class NabScore {
    static final double TP = 1.0;
    static final double FN = 1.0;
    static final double FP = 0.11;

    /** A labelled window, inclusive. */
    record Window(Instant start, Instant end) {}

    /** The score of one series. */
    record Result(double raw, int windows, int detected, int falsePositives, double nullScore, double perfectScore) {}

    private NabScore() {}

    static double scaledSigmoid(double y) {
        if (y > 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }

    /**
     * Scores detections (indexes into {@code times}, in any order) against the windows.
     *
     * @param times the series' timestamps, ascending
     * @param detections the indexes at which the detector fired
     */
    static Result score(List<Instant> times, List<Window> windows, List<Integer> detections) {
        int n = times.size();
        int probation = (int) Math.min(Math.floor(0.15 * n), Math.floor(0.15 * 5000));
        int[] left = new int[windows.size()];
        int[] right = new int[windows.size()];
        for (int w = 0; w < windows.size(); w++) {
            left[w] = -1;
            right[w] = -1;
            for (int i = 0; i < n; i++) {
                Instant t = times.get(i);
                if (left[w] < 0 && !t.isBefore(windows.get(w).start())) {
                    left[w] = i;
                }
                if (!t.isAfter(windows.get(w).end())) {
                    right[w] = i;
                }
            }
        }
        boolean[] fired = new boolean[n];
        for (int d : detections) {
            fired[d] = true;
        }
        double maxTp = scaledSigmoid(-1.0);
        boolean[] found = new boolean[windows.size()];
        double raw = 0;
        int fps = 0;
        for (int i = probation; i < n; i++) {
            if (!fired[i]) {
                continue;
            }
            int in = -1;
            int prev = -1;
            for (int w = 0; w < windows.size(); w++) {
                if (left[w] >= 0 && i >= left[w] && i <= right[w]) {
                    in = w;
                }
                if (right[w] >= 0 && right[w] < i && (prev < 0 || right[w] > right[prev])) {
                    prev = w;
                }
            }
            if (in >= 0) {
                if (!found[in]) {
                    found[in] = true;
                    int width = right[in] - left[in] + 1;
                    double y = -(right[in] - i + 1) / (double) width;
                    raw += scaledSigmoid(y) * TP / maxTp;
                }
            } else {
                fps++;
                double s;
                if (prev < 0) {
                    s = -1.0;
                } else {
                    int width = right[prev] - left[prev] + 1;
                    s = scaledSigmoid(Math.abs(right[prev] - i) / (double) (width - 1));
                }
                raw += s * FP;
            }
        }
        int detected = 0;
        for (boolean f : found) {
            if (f) {
                detected++;
            } else {
                raw -= FN;
            }
        }
        return new Result(raw, windows.size(), detected, fps, -FN * windows.size(), TP * windows.size());
    }

    /** 100 (S - S_null) / (S_perfect - S_null) over the results. */
    static double normalised(List<Result> results) {
        double s = 0;
        double nul = 0;
        double perfect = 0;
        for (Result r : results) {
            s += r.raw();
            nul += r.nullScore();
            perfect += r.perfectScore();
        }
        return 100 * (s - nul) / (perfect - nul);
    }
}
