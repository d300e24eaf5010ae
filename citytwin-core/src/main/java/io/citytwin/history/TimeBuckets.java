package io.citytwin.history;

import io.citytwin.twin.TwinException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Time-bucket aggregation of the instances of one attribute, for the NGSI-LD aggregated temporal representation
 * (ETSI GS CIM 009 v1.8, clause 4.5.19; query parameters {@code aggrMethods} and {@code aggrPeriodDuration},
 * clause 6.19).
 *
 * <p><b>Buckets.</b> Bucket {@code k} covers {@code [from + k*period, from + (k+1)*period)} where the multiple is
 * added in one step in UTC ({@link IsoDuration#addTo}); anchoring every bucket at {@code from} avoids the drift of
 * repeated month addition ({@code Jan 31 + P1M + P1M} would give 28 March, {@code Jan 31 + P2M} gives 31 March). The
 * last bucket is cut at {@code to}. A zero period is one bucket {@code [from, to)}, as clause 4.5.19 reads a zero
 * {@code aggrPeriodDuration} as "the whole time range of the query". Only buckets with at least one sample are
 * returned (NGSI-LD answers one entry per period that has data), in time order, so a sparse series over a long
 * window costs per bucket with data, not per period: the algorithm jumps to the bucket of the next sample with an
 * estimate from {@link IsoDuration#approxSeconds()} corrected by exact calendar addition.
 *
 * <p><b>Input.</b> Samples may come in any order; they are sorted stably by time (a copy, only when not already
 * sorted, which is checked in one pass). Samples outside {@code [from, to)} are ignored.
 *
 * <p><b>Methods</b> (values in the core {@link io.citytwin.twin.Json} shape):
 *
 * <ul>
 *   <li>{@code totalCount}: the number of samples in the bucket ({@code Long}).
 *   <li>{@code distinctCount}: the number of distinct values under JSON equality ({@code Long}); numbers compare by
 *       value, so {@code 1} and {@code 1.0} are the same value, also inside arrays and objects; object member order
 *       does not matter.
 *   <li>{@code sum}, {@code avg}, {@code stddev}, {@code sumsq} ({@code Double}): over the numeric samples, where a
 *       Boolean counts as 1 ({@code true}) or 0 ({@code false}), so {@code sum} of Booleans is the number of
 *       {@code true} values as clause 4.5.19 describes; other values (strings, arrays, objects, null) are ignored.
 *       A bucket without a numeric or Boolean sample has no such results. {@code stddev} is the <em>population</em>
 *       standard deviation (divides by n), which is what "the standard deviation of the values" in a period means
 *       when the period's instances are the whole population. The sum and sum of squares use Neumaier (improved
 *       Kahan) compensated summation; mean and variance use Welford's one-pass update, so long series stay
 *       accurate.
 *   <li>{@code min}, {@code max}: the sample value itself (not converted). If the bucket has numbers (Long/Double,
 *       compared by value, first wins on ties) they decide; otherwise Booleans ({@code false < true}); otherwise
 *       strings, compared chronologically when every string in the bucket is an ISO 8601 date-time with offset
 *       (e.g. {@code 2024-01-01T00:00:00Z}), else lexicographically by UTF-16 code units. Otherwise absent.
 * </ul>
 *
 * <p>Cost: one pass over the sorted samples with no per-sample allocation except for {@code distinctCount}
 * (a hash set per bucket) and date-time strings under {@code min}/{@code max}. Stateless and thread-safe.
 */
public final class TimeBuckets {

    /**
     * One instance of the attribute.
     *
     * @param at the time of the instance (observedAt, or whatever time property the query selects)
     * @param value the value in the core JSON shape
     */
    public record Sample(Instant at, Object value) {
        public Sample {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * One aggregation period with data.
     *
     * @param start inclusive start
     * @param end exclusive end ({@code to} for the last bucket)
     * @param values the result of each requested method that has one (numeric methods are absent for a bucket
     *     without numeric samples), in method declaration order
     */
    public record Bucket(Instant start, Instant end, Map<AggregationMethod, Object> values) {
        public Bucket {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            values = values.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(values));
        }
    }

    private static final Comparator<Sample> BY_TIME = Comparator.comparing(Sample::at);

    private TimeBuckets() {}

    /**
     * Aggregates {@code samples} into the non-empty buckets of {@code period} over {@code [from, to)}.
     *
     * @param samples the instances of one attribute, any order; not modified
     * @param from inclusive window start, where the first bucket starts
     * @param to exclusive window end
     * @param period the bucket length; zero means one bucket for the whole window
     * @param methods the methods to compute, not empty
     * @return the buckets with at least one sample, in time order
     * @throws TwinException BadRequestData {@code aggr.window} if {@code from} is after {@code to}, {@code
     *     aggr.method} if {@code methods} is empty, {@code duration.range} if a bucket bound is out of range
     */
    public static List<Bucket> aggregate(
            List<Sample> samples, Instant from, Instant to, IsoDuration period, Set<AggregationMethod> methods) {
        if (from.isAfter(to)) {
            throw TwinException.badData("aggr.window", "The time window starts at " + from + ", after its end " + to);
        }
        if (methods.isEmpty()) {
            throw TwinException.badData("aggr.method", "At least one aggregation method is needed");
        }
        Sample[] sorted = sorted(samples);
        int n = sorted.length;
        int i = firstAtOrAfter(sorted, from);
        List<Bucket> out = new ArrayList<>();
        Accumulator acc = new Accumulator(methods);
        double approxSeconds = period.approxSeconds();
        long k = 0;
        while (i < n && sorted[i].at().isBefore(to)) {
            Instant start;
            Instant end;
            if (period.isZero()) {
                start = from;
                end = to;
            } else {
                Instant at = sorted[i].at();
                k = bucketIndex(from, period, approxSeconds, at, k);
                start = period.addTimes(from, k, ZoneOffset.UTC);
                Instant next = period.addTimes(from, k + 1, ZoneOffset.UTC);
                end = next.isBefore(to) ? next : to;
            }
            acc.reset();
            while (i < n && sorted[i].at().isBefore(end)) {
                acc.add(sorted[i].value());
                i++;
            }
            out.add(new Bucket(start, end, acc.results()));
            k++;
        }
        return out;
    }

    /**
     * The k with {@code start(k) <= at < start(k+1)}, given that it is at least {@code atLeast}: an estimate from
     * the approximate period length, corrected by exact addition (a few steps at most, as the estimate is off by
     * the calendar irregularity only).
     */
    private static long bucketIndex(Instant from, IsoDuration period, double approxSeconds, Instant at, long atLeast) {
        double elapsed = (at.getEpochSecond() - from.getEpochSecond()) + (at.getNano() - from.getNano()) / 1e9;
        long k = Math.max(atLeast, (long) Math.floor(elapsed / approxSeconds));
        while (k > atLeast && period.addTimes(from, k, ZoneOffset.UTC).isAfter(at)) {
            k--;
        }
        while (!period.addTimes(from, k + 1, ZoneOffset.UTC).isAfter(at)) {
            k++;
        }
        return k;
    }

    private static Sample[] sorted(List<Sample> samples) {
        Sample[] a = samples.toArray(new Sample[0]);
        for (int i = 1; i < a.length; i++) {
            if (a[i].at().isBefore(a[i - 1].at())) {
                Arrays.sort(a, BY_TIME); // stable (TimSort)
                break;
            }
        }
        return a;
    }

    private static int firstAtOrAfter(Sample[] a, Instant t) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid].at().isBefore(t)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The running state of one bucket; reused across buckets. */
    private static final class Accumulator {
        private final boolean distinct;
        private final boolean minMax;
        private final Set<AggregationMethod> methods;
        private long count;
        private @Nullable HashSet<Object> seen;
        private long numericCount;
        private double mean;
        private double m2;
        private double sum;
        private double sumComp;
        private double sumsq;
        private double sumsqComp;
        private @Nullable Object minNumber;
        private @Nullable Object maxNumber;
        private boolean hasTrue;
        private boolean hasFalse;
        private @Nullable String minString;
        private @Nullable String maxString;
        private boolean allDateTimes;
        private @Nullable String minDateTimeText;
        private @Nullable String maxDateTimeText;
        private @Nullable Instant minDateTime;
        private @Nullable Instant maxDateTime;

        Accumulator(Set<AggregationMethod> methods) {
            this.methods = methods;
            this.distinct = methods.contains(AggregationMethod.DISTINCT_COUNT);
            this.minMax = methods.contains(AggregationMethod.MIN) || methods.contains(AggregationMethod.MAX);
        }

        void reset() {
            count = 0;
            seen = distinct ? new HashSet<>() : null;
            numericCount = 0;
            mean = m2 = sum = sumComp = sumsq = sumsqComp = 0;
            minNumber = maxNumber = null;
            hasTrue = hasFalse = false;
            minString = maxString = minDateTimeText = maxDateTimeText = null;
            minDateTime = maxDateTime = null;
            allDateTimes = true;
        }

        void add(Object value) {
            count++;
            if (seen != null) {
                seen.add(distinctKey(value));
            }
            switch (value) {
                case Long l -> {
                    addNumber(l.doubleValue());
                    if (minMax) {
                        minMaxNumber(l);
                    }
                }
                case Double d -> {
                    addNumber(d);
                    if (minMax) {
                        minMaxNumber(d);
                    }
                }
                case Boolean b -> {
                    addNumber(b ? 1 : 0);
                    if (b) {
                        hasTrue = true;
                    } else {
                        hasFalse = true;
                    }
                }
                case String s -> {
                    if (minMax) {
                        minMaxString(s);
                    }
                }
                default -> {
                    // arrays, objects and null count for totalCount/distinctCount only
                }
            }
        }

        private void addNumber(double x) {
            numericCount++;
            double delta = x - mean;
            mean += delta / numericCount;
            m2 += delta * (x - mean);
            double t = sum + x;
            sumComp += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
            sum = t;
            double sq = x * x;
            double u = sumsq + sq;
            sumsqComp += sumsq >= sq ? (sumsq - u) + sq : (sq - u) + sumsq;
            sumsq = u;
        }

        private void minMaxNumber(Object v) {
            if (minNumber == null || compareNumbers(v, minNumber) < 0) {
                minNumber = v;
            }
            if (maxNumber == null || compareNumbers(v, maxNumber) > 0) {
                maxNumber = v;
            }
        }

        private void minMaxString(String s) {
            if (minString == null || s.compareTo(minString) < 0) {
                minString = s;
            }
            if (maxString == null || s.compareTo(maxString) > 0) {
                maxString = s;
            }
            if (allDateTimes) {
                Instant t = dateTime(s);
                if (t == null) {
                    allDateTimes = false;
                    return;
                }
                if (minDateTime == null || t.isBefore(minDateTime)) {
                    minDateTime = t;
                    minDateTimeText = s;
                }
                if (maxDateTime == null || t.isAfter(maxDateTime)) {
                    maxDateTime = t;
                    maxDateTimeText = s;
                }
            }
        }

        Map<AggregationMethod, Object> results() {
            EnumMap<AggregationMethod, Object> r = new EnumMap<>(AggregationMethod.class);
            for (AggregationMethod m : methods) {
                Object v =
                        switch (m) {
                            case TOTAL_COUNT -> count;
                            case DISTINCT_COUNT ->
                                (long) Objects.requireNonNull(seen).size();
                            case SUM -> numericCount == 0 ? null : sum + sumComp;
                            case AVG -> numericCount == 0 ? null : mean;
                            case STDDEV -> numericCount == 0 ? null : Math.sqrt(Math.max(0, m2) / numericCount);
                            case SUMSQ -> numericCount == 0 ? null : sumsq + sumsqComp;
                            case MIN -> extreme(true);
                            case MAX -> extreme(false);
                        };
                if (v != null) {
                    r.put(m, v);
                }
            }
            return r;
        }

        private @Nullable Object extreme(boolean min) {
            if (minNumber != null) {
                return min ? minNumber : maxNumber;
            }
            if (hasTrue || hasFalse) {
                return min ? !hasFalse : hasTrue;
            }
            if (minString == null) {
                return null;
            }
            if (allDateTimes) {
                return min ? minDateTimeText : maxDateTimeText;
            }
            return min ? minString : maxString;
        }
    }

    /** Numbers by value; two Longs exactly, otherwise as doubles. */
    static int compareNumbers(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        return x < y ? -1 : (x > y ? 1 : 0);
    }

    /**
     * An ISO 8601 date-time with offset as an instant, or null. The shape is pre-checked so that ordinary strings
     * never reach the parser; a parse failure only means "not a date-time" and picks lexicographic order.
     */
    static @Nullable Instant dateTime(String s) {
        if (s.length() < 20 || s.length() > 40 || s.charAt(4) != '-' || s.charAt(10) != 'T') {
            return null;
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** A key under which JSON-equal values are equal: integral doubles become Longs, recursively. */
    static Object distinctKey(Object v) {
        return switch (v) {
            case Double d -> {
                double x = d;
                if (x == Math.rint(x) && Math.abs(x) < 0x1p63) {
                    yield (long) x;
                }
                yield d;
            }
            case List<?> l -> {
                List<Object> k = new ArrayList<>(l.size());
                for (Object o : l) {
                    k.add(distinctKey(o));
                }
                yield k;
            }
            case Map<?, ?> m -> {
                Map<Object, Object> k = HashMap.newHashMap(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    k.put(e.getKey(), distinctKey(e.getValue()));
                }
                yield k;
            }
            default -> v;
        };
    }
}
