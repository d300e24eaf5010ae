package io.citytwin.history;

import static io.citytwin.history.AggregationMethod.AVG;
import static io.citytwin.history.AggregationMethod.DISTINCT_COUNT;
import static io.citytwin.history.AggregationMethod.MAX;
import static io.citytwin.history.AggregationMethod.MIN;
import static io.citytwin.history.AggregationMethod.STDDEV;
import static io.citytwin.history.AggregationMethod.SUM;
import static io.citytwin.history.AggregationMethod.SUMSQ;
import static io.citytwin.history.AggregationMethod.TOTAL_COUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.history.TimeBuckets.Bucket;
import io.citytwin.history.TimeBuckets.Sample;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TimeBucketsTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final Set<AggregationMethod> ALL = EnumSet.allOf(AggregationMethod.class);

    private static Sample at(String time, Object value) {
        return new Sample(Instant.parse(time), value);
    }

    @Test
    void aggregate_hourlyBuckets_computesEveryMethod() {
        List<Sample> samples = List.of(
                at("2024-01-01T00:00:00Z", 1L),
                at("2024-01-01T00:30:00Z", 3.0),
                at("2024-01-01T00:59:59Z", 1.0),
                at("2024-01-01T02:00:00Z", 10L));
        List<Bucket> buckets = TimeBuckets.aggregate(
                samples, T0, Instant.parse("2024-01-01T03:00:00Z"), IsoDuration.parse("PT1H"), ALL);

        assertThat(buckets).hasSize(2); // the empty 01:00 bucket is left out
        Bucket first = buckets.get(0);
        assertThat(first.start()).isEqualTo(T0);
        assertThat(first.end()).isEqualTo(Instant.parse("2024-01-01T01:00:00Z"));
        assertThat(first.values())
                .containsEntry(TOTAL_COUNT, 3L)
                .containsEntry(DISTINCT_COUNT, 2L) // 1 and 1.0 are the same JSON number
                .containsEntry(SUM, 5.0)
                .containsEntry(SUMSQ, 11.0)
                .containsEntry(MIN, 1L)
                .containsEntry(MAX, 3.0);
        assertThat((Double) first.values().get(AVG)).isCloseTo(5.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat((Double) first.values().get(STDDEV))
                .isCloseTo(Math.sqrt(8.0 / 9), org.assertj.core.data.Offset.offset(1e-12)); // population
        assertThat(buckets.get(1).start()).isEqualTo(Instant.parse("2024-01-01T02:00:00Z"));
        assertThat(buckets.get(1).values()).containsEntry(TOTAL_COUNT, 1L).containsEntry(STDDEV, 0.0);
    }

    @Test
    void aggregate_windowIsHalfOpenAndLastBucketIsCut() {
        List<Sample> samples = List.of(
                at("2023-12-31T23:59:59Z", 1L),
                at("2024-01-01T00:00:00Z", 2L),
                at("2024-01-01T01:29:59Z", 3L),
                at("2024-01-01T01:30:00Z", 4L));
        List<Bucket> buckets = TimeBuckets.aggregate(
                samples, T0, Instant.parse("2024-01-01T01:30:00Z"), IsoDuration.parse("PT1H"), Set.of(SUM));
        assertThat(buckets).extracting(b -> b.values().get(SUM)).containsExactly(2.0, 3.0);
        assertThat(buckets.get(1).end()).isEqualTo(Instant.parse("2024-01-01T01:30:00Z"));
    }

    @Test
    void aggregate_unsortedInput_isSorted() {
        List<Sample> samples =
                List.of(at("2024-01-01T02:10:00Z", 5L), at("2024-01-01T00:10:00Z", 1L), at("2024-01-01T02:00:00Z", 7L));
        List<Bucket> buckets = TimeBuckets.aggregate(
                samples, T0, Instant.parse("2024-01-02T00:00:00Z"), IsoDuration.parse("PT1H"), Set.of(MAX));
        assertThat(buckets).extracting(b -> b.values().get(MAX)).containsExactly(1L, 7L);
    }

    @Test
    void aggregate_monthlyFromJanuary31_anchorsEveryBucketAtTheStart() {
        Instant from = Instant.parse("2023-01-31T00:00:00Z");
        List<Sample> samples =
                List.of(at("2023-02-28T00:00:00Z", 1L), at("2023-03-30T00:00:00Z", 2L), at("2023-03-31T00:00:00Z", 3L));
        List<Bucket> buckets = TimeBuckets.aggregate(
                samples, from, Instant.parse("2023-06-01T00:00:00Z"), IsoDuration.parse("P1M"), Set.of(SUM));
        assertThat(buckets)
                .extracting(Bucket::start)
                .containsExactly(Instant.parse("2023-02-28T00:00:00Z"), Instant.parse("2023-03-31T00:00:00Z"));
        assertThat(buckets).extracting(b -> b.values().get(SUM)).containsExactly(3.0, 3.0);
    }

    @Test
    void aggregate_zeroPeriod_isOneBucketForTheWholeWindow() {
        List<Sample> samples = List.of(at("2024-01-01T00:00:00Z", 1L), at("2024-03-01T00:00:00Z", 2L));
        Instant to = Instant.parse("2025-01-01T00:00:00Z");
        List<Bucket> buckets = TimeBuckets.aggregate(samples, T0, to, IsoDuration.ZERO, Set.of(TOTAL_COUNT));
        assertThat(buckets).containsExactly(new Bucket(T0, to, Map.of(TOTAL_COUNT, 2L)));
    }

    @Test
    void aggregate_booleans_countAsOneAndZero() {
        List<Sample> samples = List.of(
                at("2024-01-01T00:00:00Z", true), at("2024-01-01T00:01:00Z", false), at("2024-01-01T00:02:00Z", true));
        Map<AggregationMethod, Object> v = TimeBuckets.aggregate(
                        samples, T0, T0.plusSeconds(3600), IsoDuration.parse("PT1H"), ALL)
                .get(0)
                .values();
        assertThat(v)
                .containsEntry(SUM, 2.0)
                .containsEntry(MIN, false)
                .containsEntry(MAX, true)
                .containsEntry(DISTINCT_COUNT, 2L);
    }

    @Test
    void aggregate_strings_minMaxLexicographicOrChronological() {
        List<Sample> words = List.of(at("2024-01-01T00:00:00Z", "pear"), at("2024-01-01T00:01:00Z", "apple"));
        Map<AggregationMethod, Object> w = TimeBuckets.aggregate(
                        words, T0, T0.plusSeconds(3600), IsoDuration.parse("PT1H"), ALL)
                .get(0)
                .values();
        assertThat(w).containsEntry(MIN, "apple").containsEntry(MAX, "pear").doesNotContainKeys(SUM, AVG, STDDEV);

        List<Sample> times = List.of(
                at("2024-01-01T00:00:00Z", "2024-05-01T10:00:00+02:00"),
                at("2024-01-01T00:01:00Z", "2024-05-01T09:00:00Z"));
        Map<AggregationMethod, Object> t = TimeBuckets.aggregate(
                        times, T0, T0.plusSeconds(3600), IsoDuration.parse("PT1H"), Set.of(MIN, MAX))
                .get(0)
                .values();
        assertThat(t).containsEntry(MIN, "2024-05-01T10:00:00+02:00").containsEntry(MAX, "2024-05-01T09:00:00Z");
    }

    @Test
    void aggregate_structuredValues_countOnly() {
        List<Sample> samples = List.of(
                at("2024-01-01T00:00:00Z", List.of(1L, 2L)),
                at("2024-01-01T00:01:00Z", List.of(1.0, 2L)),
                at("2024-01-01T00:02:00Z", Map.of("a", 1L)),
                at("2024-01-01T00:03:00Z", Json.NULL));
        Map<AggregationMethod, Object> v = TimeBuckets.aggregate(
                        samples, T0, T0.plusSeconds(3600), IsoDuration.parse("PT1H"), ALL)
                .get(0)
                .values();
        assertThat(v).containsOnly(Map.entry(TOTAL_COUNT, 4L), Map.entry(DISTINCT_COUNT, 3L));
    }

    @Test
    void aggregate_sparseSamplesOverLongWindow_jumpsToBucketsWithData() {
        List<Sample> samples = List.of(at("2024-01-01T00:00:00.5Z", 1L), at("2124-01-01T00:00:00.25Z", 2L));
        List<Bucket> buckets = TimeBuckets.aggregate(
                samples, T0, Instant.parse("2200-01-01T00:00:00Z"), IsoDuration.parse("PT1S"), Set.of(SUM));
        assertThat(buckets).extracting(Bucket::start).containsExactly(T0, Instant.parse("2124-01-01T00:00:00Z"));
    }

    @Test
    void aggregate_longSeries_isNumericallyStable() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 43_200; i++) {
            samples.add(new Sample(T0.plusSeconds(60L * i), 1e9 + (i % 2 == 0 ? 0.1 : -0.1)));
        }
        List<Bucket> buckets = TimeBuckets.aggregate(
                samples, T0, T0.plus(Duration.ofDays(30)), IsoDuration.parse("PT1H"), Set.of(AVG, MAX, STDDEV));
        assertThat(buckets).hasSize(720);
        for (Bucket b : buckets) {
            assertThat((Double) b.values().get(AVG)).isCloseTo(1e9, org.assertj.core.data.Offset.offset(1e-6));
            assertThat((Double) b.values().get(STDDEV)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void aggregate_invalidArguments_throwBadRequestData() {
        assertThatThrownBy(() -> TimeBuckets.aggregate(List.of(), T0.plusSeconds(1), T0, IsoDuration.ZERO, ALL))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("aggr.window"));
        assertThatThrownBy(() -> TimeBuckets.aggregate(List.of(), T0, T0, IsoDuration.ZERO, Set.of()))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("aggr.method"));
    }

    // --- property: the one-pass aggregation agrees with a naive reference ---

    /** A generated case; {@code periodKind}: 0 PTnM, 1 PTnH, 2 PnD, 3 P1M, 4 PT0S. */
    record Scenario(
            int periodKind,
            int amount,
            Instant from,
            Instant to,
            List<Sample> samples,
            Set<AggregationMethod> methods) {
        IsoDuration period() {
            return switch (periodKind) {
                case 0 -> IsoDuration.parse("PT" + amount + "M");
                case 1 -> IsoDuration.parse("PT" + amount + "H");
                case 2 -> IsoDuration.parse("P" + amount + "D");
                case 3 -> IsoDuration.parse("P1M");
                default -> IsoDuration.ZERO;
            };
        }

        /** Bucket k's start, computed independently of IsoDuration. */
        Instant start(long k) {
            return switch (periodKind) {
                case 0 -> from.plus(Duration.ofMinutes(amount * k));
                case 1 -> from.plus(Duration.ofHours(amount * k));
                case 2 -> from.plus(Duration.ofDays(amount * k));
                case 3 -> from.atZone(ZoneOffset.UTC).plusMonths(k).toInstant();
                default -> k == 0 ? from : to;
            };
        }
    }

    @Property(tries = 500)
    void aggregate_agreesWithNaiveReference(@ForAll("scenarios") Scenario s) {
        List<Bucket> actual = TimeBuckets.aggregate(s.samples(), s.from(), s.to(), s.period(), s.methods());
        List<Bucket> expected = reference(s);
        assertThat(actual)
                .extracting(Bucket::start)
                .isEqualTo(expected.stream().map(Bucket::start).toList());
        for (int i = 0; i < expected.size(); i++) {
            Bucket a = actual.get(i);
            Bucket e = expected.get(i);
            assertThat(a.end()).isEqualTo(e.end());
            assertThat(a.values().keySet())
                    .as("methods of bucket %s", e.start())
                    .isEqualTo(e.values().keySet());
            List<Object> inBucket = valuesIn(s, e.start(), e.end());
            for (Map.Entry<AggregationMethod, Object> x : e.values().entrySet()) {
                Object got = a.values().get(x.getKey());
                if (x.getValue() instanceof Double want) {
                    double tolerance = 1e-9 * scale(x.getKey(), inBucket, want);
                    assertThat((Double) got)
                            .as("%s of bucket %s", x.getKey(), e.start())
                            .isCloseTo(want, org.assertj.core.data.Offset.offset(tolerance));
                } else {
                    assertThat(got).as("%s of bucket %s", x.getKey(), e.start()).isEqualTo(x.getValue());
                }
            }
        }
    }

    /** The magnitude against which a double result is compared (relative tolerance). */
    private static double scale(AggregationMethod m, List<Object> values, double want) {
        double sumAbs = 0;
        double sumSq = 0;
        double maxAbs = 0;
        for (Object v : values) {
            Double x = numeric(v);
            if (x != null) {
                sumAbs += Math.abs(x);
                sumSq += x * x;
                maxAbs = Math.max(maxAbs, Math.abs(x));
            }
        }
        double magnitude =
                switch (m) {
                    case SUM -> sumAbs;
                    case SUMSQ -> sumSq;
                    default -> maxAbs;
                };
        return Math.max(1, Math.max(Math.abs(want), magnitude));
    }

    private static List<Object> valuesIn(Scenario s, Instant start, Instant end) {
        List<Sample> sorted = new ArrayList<>(s.samples());
        sorted.sort((a, b) -> a.at().compareTo(b.at())); // stable, like the implementation's tie order
        List<Object> out = new ArrayList<>();
        for (Sample x : sorted) {
            if (!x.at().isBefore(start) && x.at().isBefore(end)) {
                out.add(x.value());
            }
        }
        return out;
    }

    /** For every period of the window, filter the samples and compute each method directly. */
    private static List<Bucket> reference(Scenario s) {
        List<Bucket> out = new ArrayList<>();
        for (long k = 0; s.start(k).isBefore(s.to()); k++) {
            Instant start = s.start(k);
            Instant next = s.start(k + 1);
            Instant end = next.isBefore(s.to()) ? next : s.to();
            List<Object> values = valuesIn(s, start, end);
            if (values.isEmpty()) {
                continue;
            }
            Map<AggregationMethod, Object> r = new LinkedHashMap<>();
            List<Double> xs = new ArrayList<>();
            List<Object> numbers = new ArrayList<>();
            List<Boolean> booleans = new ArrayList<>();
            List<String> strings = new ArrayList<>();
            List<Object> distinct = new ArrayList<>();
            for (Object v : values) {
                Double x = numeric(v);
                if (x != null) {
                    xs.add(x);
                }
                switch (v) {
                    case Long l -> numbers.add(l);
                    case Double d -> numbers.add(d);
                    case Boolean b -> booleans.add(b);
                    case String str -> strings.add(str);
                    default -> {}
                }
                if (distinct.stream().noneMatch(d -> jsonEquals(d, v))) {
                    distinct.add(v);
                }
            }
            for (AggregationMethod m : s.methods()) {
                switch (m) {
                    case TOTAL_COUNT -> r.put(m, (long) values.size());
                    case DISTINCT_COUNT -> r.put(m, (long) distinct.size());
                    case SUM, AVG, STDDEV, SUMSQ -> {
                        if (!xs.isEmpty()) {
                            r.put(m, numericResult(m, xs));
                        }
                    }
                    case MIN, MAX -> {
                        Object e = extreme(m == MIN, numbers, booleans, strings);
                        if (e != null) {
                            r.put(m, e);
                        }
                    }
                }
            }
            out.add(new Bucket(start, end, r));
        }
        return out;
    }

    private static double numericResult(AggregationMethod m, List<Double> xs) {
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal sumSq = BigDecimal.ZERO;
        for (double x : xs) {
            BigDecimal b = new BigDecimal(x);
            sum = sum.add(b);
            sumSq = sumSq.add(b.multiply(b));
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(xs.size()), MathContext.DECIMAL128);
        return switch (m) {
            case SUM -> sum.doubleValue();
            case SUMSQ -> sumSq.doubleValue();
            case AVG -> mean.doubleValue();
            default -> {
                BigDecimal ss = BigDecimal.ZERO;
                for (double x : xs) {
                    BigDecimal dev = new BigDecimal(x).subtract(mean);
                    ss = ss.add(dev.multiply(dev));
                }
                yield Math.sqrt(ss.divide(BigDecimal.valueOf(xs.size()), MathContext.DECIMAL128)
                        .doubleValue());
            }
        };
    }

    private static Object extreme(boolean min, List<Object> numbers, List<Boolean> booleans, List<String> strings) {
        if (!numbers.isEmpty()) {
            Object best = numbers.get(0);
            for (Object n : numbers) {
                int c = decimal(n).compareTo(decimal(best));
                if (min ? c < 0 : c > 0) {
                    best = n;
                }
            }
            return best;
        }
        if (!booleans.isEmpty()) {
            return min ? booleans.stream().allMatch(b -> b) : booleans.stream().anyMatch(b -> b);
        }
        if (strings.isEmpty()) {
            return null;
        }
        boolean allTimes = strings.stream().allMatch(x -> time(x) != null);
        String best = strings.get(0);
        for (String x : strings) {
            int c = allTimes ? time(x).compareTo(time(best)) : x.compareTo(best);
            if (min ? c < 0 : c > 0) {
                best = x;
            }
        }
        return best;
    }

    private static Instant time(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static BigDecimal decimal(Object n) {
        return n instanceof Long l ? BigDecimal.valueOf(l) : new BigDecimal((Double) n);
    }

    private static Double numeric(Object v) {
        return switch (v) {
            case Long l -> l.doubleValue();
            case Double d -> d;
            case Boolean b -> b ? 1.0 : 0.0;
            default -> null;
        };
    }

    private static boolean jsonEquals(Object a, Object b) {
        if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
            return decimal(a).compareTo(decimal(b)) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!jsonEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!jsonEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 4);
        return kind.flatMap(k -> {
            Arbitrary<Integer> amount =
                    switch (k) {
                        case 0 -> Arbitraries.integers().between(1, 120);
                        case 1 -> Arbitraries.integers().between(1, 48);
                        case 2 -> Arbitraries.integers().between(1, 10);
                        default -> Arbitraries.just(1);
                    };
            return amount.flatMap(a -> {
                long periodSeconds =
                        switch (k) {
                            case 0 -> 60L * a;
                            case 1 -> 3600L * a;
                            case 2 -> 86_400L * a;
                            case 3 -> 31L * 86_400;
                            default -> 30L * 86_400;
                        };
                // from on a minute boundary mostly, sometimes with odd seconds and nanos
                Arbitrary<Instant> from = Combinators.combine(
                                Arbitraries.longs().between(0, 10L * 365 * 24 * 60),
                                Arbitraries.oneOf(
                                        Arbitraries.just(0L),
                                        Arbitraries.longs().between(0, 59_999_999_999L)))
                        .as((minutes, nanos) -> Instant.parse("2020-01-01T00:00:00Z")
                                .plusSeconds(minutes * 60)
                                .plusNanos(nanos));
                Arbitrary<Long> windowSeconds = Arbitraries.longs().between(1, periodSeconds * 40);
                return Combinators.combine(from, windowSeconds, samplesFor(periodSeconds * 42), methods())
                        .as((f, w, offsets, ms) -> {
                            Instant to = f.plusSeconds(w);
                            List<Sample> samples = new ArrayList<>();
                            for (Map.Entry<Long, Object> o : offsets) {
                                samples.add(new Sample(f.plusSeconds(o.getKey() - periodSeconds), o.getValue()));
                            }
                            return new Scenario(k, a, f, to, samples, ms);
                        });
            });
        });
    }

    private static Arbitrary<List<Map.Entry<Long, Object>>> samplesFor(long spanSeconds) {
        Arbitrary<Long> offset = Arbitraries.oneOf(
                Arbitraries.longs().between(0, spanSeconds),
                Arbitraries.longs().between(0, spanSeconds / 60).map(m -> m * 60)); // boundaries hit often
        Arbitrary<Object> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                        4, Arbitraries.longs().between(-1000, 1000).map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(
                        4, Arbitraries.doubles().between(-1e6, 1e6).map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(
                        2, Arbitraries.of(1L, 1.0, 2L, 2.0, -0.0, 0L).map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.of("a", "b", "B", "é", "2024-01-01T00:00:00Z")
                                .map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.of(
                                (Object) List.of(1L), List.of(1.0), Map.of("a", 2L), Map.of("a", 2.0), Json.NULL)));
        return Combinators.combine(offset, value).as(Map::entry).list().ofMaxSize(200);
    }

    private static Arbitrary<Set<AggregationMethod>> methods() {
        return Arbitraries.of(AggregationMethod.class).set().ofMinSize(1);
    }
}
