package io.citytwin.triage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/*
 * MULTINOMIAL LOGISTIC REGRESSION (maximum entropy) over binary features.
 *
 * Nigam, Lafferty & McCallum 1999, "Using Maximum Entropy for Text Classification"; Jurafsky & Martin, "Speech and
 * Language Processing" (3rd ed. draft), ch. 5. P(c | d) = softmax_c(b_c + Σ_{t ∈ set(d)} w_{c,t}), trained by
 * minimising the cross-entropy plus an L2 penalty λ/2·|w|² with AdaGrad (Duchi, Hazan & Singer 2011) over shuffled
 * documents for a fixed number of epochs, from a seeded random order (the model is deterministic). Unlike naive
 * Bayes it weighs correlated features jointly (a street name seen in every category gets weight near zero instead
 * of adding noise). Features outside the vocabulary are ignored. Immutable after training: thread-safe.
 */
/** A trained multinomial logistic regression (see MULTINOMIAL LOGISTIC REGRESSION). */
final class SoftmaxRegression {
    private final String[] labels;
    private final Map<String, Integer> vocabulary = new HashMap<>();
    private final double[][] weights; // [term][label]
    private final double[] bias;

    /**
     * Trains on {@code docs} (their features) with {@code labels} (same order): L2 penalty {@code lambda}, {@code
     * epochs} passes, document order shuffled from {@code seed}.
     */
    SoftmaxRegression(List<List<String>> docs, List<String> labels, double lambda, int epochs, long seed) {
        if (docs.size() != labels.size() || docs.isEmpty()) {
            throw new IllegalArgumentException("need as many labels as documents, at least one");
        }
        this.labels = new TreeSet<>(labels).toArray(String[]::new);
        Map<String, Integer> labelIndex = new HashMap<>();
        for (int i = 0; i < this.labels.length; i++) {
            labelIndex.put(this.labels[i], i);
        }
        List<int[]> x = new ArrayList<>(docs.size());
        for (List<String> d : docs) {
            LinkedHashSet<String> distinct = new LinkedHashSet<>(d);
            int[] ids = new int[distinct.size()];
            int k = 0;
            for (String t : distinct) {
                ids[k++] = vocabulary.computeIfAbsent(t, s -> vocabulary.size());
            }
            x.add(ids);
        }
        int k = this.labels.length;
        this.weights = new double[vocabulary.size()][k];
        this.bias = new double[k];
        double[][] g2 = new double[vocabulary.size()][k];
        double[] b2 = new double[k];
        int[] y = new int[docs.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labelIndex.get(labels.get(i));
        }
        int[] order = new int[docs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double rate = 0.5;
        double[] p = new double[k];
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int i : order) {
                int[] f = x.get(i);
                scores(f, p);
                for (int c = 0; c < k; c++) {
                    double g = p[c] - (c == y[i] ? 1 : 0);
                    b2[c] += g * g;
                    bias[c] -= rate * g / (Math.sqrt(b2[c]) + 1e-8);
                    for (int t : f) {
                        double gt = g + lambda * weights[t][c];
                        g2[t][c] += gt * gt;
                        weights[t][c] -= rate * gt / (Math.sqrt(g2[t][c]) + 1e-8);
                    }
                }
            }
        }
    }

    private void scores(int[] features, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < p.length; c++) {
            double s = bias[c];
            for (int t : features) {
                s += weights[t][c];
            }
            p[c] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < p.length; c++) {
            p[c] = Math.exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < p.length; c++) {
            p[c] /= sum;
        }
    }

    /** The labels, sorted. */
    String[] labels() {
        return labels.clone();
    }

    /** The probability of each label (in {@link #labels()} order) given the features. */
    double[] posterior(List<String> features) {
        LinkedHashSet<String> distinct = new LinkedHashSet<>(features);
        int[] ids = new int[distinct.size()];
        int n = 0;
        for (String t : distinct) {
            Integer id = vocabulary.get(t);
            if (id != null) {
                ids[n++] = id;
            }
        }
        double[] p = new double[labels.length];
        scores(Arrays.copyOf(ids, n), p);
        return p;
    }
}
