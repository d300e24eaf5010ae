package io.citytwin.incident;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/*
 * FALLBACK duplicate score of REFERENCE.md section 7: s = 0.4 e^(-d/100 m) + 0.2 e^(-dt/24 h) + 0.4 cos_text, with
 * cos_text the cosine of character 2- and 3-gram counts (no IDF weights: no corpus here), which works for Chinese and
 * European languages alike. Reports of different categories score half. Thresholds: merge 0.8, suggest 0.6 (the
 * starting values of the reference). The lead replaces it with TRI's calibrated DuplicateModel (contract C).
 */
/** FALLBACK {@link DuplicateScorer}: distance, time and character n-gram cosine; merge 0.8, suggest 0.6. */
public final class SimpleDuplicateScorer implements DuplicateScorer {
    @Override
    public double score(Candidate a, Candidate b) {
        double d = new GeoPoint(a.lon(), a.lat()).distanceMeters(new GeoPoint(b.lon(), b.lat()));
        double hours = Math.abs(Duration.between(a.at(), b.at()).toMillis()) / 3_600_000.0;
        double s = 0.4 * Math.exp(-d / 100) + 0.2 * Math.exp(-hours / 24) + 0.4 * cosine(a.text(), b.text());
        return a.category().equals(b.category()) ? s : s / 2;
    }

    @Override
    public double mergeThreshold() {
        return 0.8;
    }

    @Override
    public double suggestThreshold() {
        return 0.6;
    }

    static double cosine(String x, String y) {
        Map<String, Integer> a = grams(x);
        Map<String, Integer> b = grams(y);
        double dot = 0;
        for (Map.Entry<String, Integer> e : a.entrySet()) {
            Integer o = b.get(e.getKey());
            if (o != null) {
                dot += (double) e.getValue() * o;
            }
        }
        double na = norm(a);
        double nb = norm(b);
        return na == 0 || nb == 0 ? 0 : dot / (na * nb);
    }

    private static double norm(Map<String, Integer> m) {
        double s = 0;
        for (int v : m.values()) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    private static Map<String, Integer> grams(String text) {
        String t = " "
                + text.toLowerCase(Locale.ROOT)
                        .replaceAll("[\\p{Punct}\\s]+", " ")
                        .strip() + " ";
        Map<String, Integer> m = new HashMap<>();
        for (int n = 2; n <= 3; n++) {
            for (int i = 0; i + n <= t.length(); i++) {
                m.merge(t.substring(i, i + n), 1, Integer::sum);
            }
        }
        return m;
    }
}
