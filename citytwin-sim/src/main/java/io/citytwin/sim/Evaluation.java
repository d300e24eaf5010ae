package io.citytwin.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/*
 * SCORING DETECTION AGAINST THE GROUND TRUTH
 *
 * Each fault type has one alarm type (contract B, Fault.Type -> alarm type). An alarm matches a fault when it has
 * that type, its originator is the faulty entity or one next to it in the city's hierarchy (the fault plan's
 * related ids: a lamp's group or cabinet, a cabinet's lamps, a detector's road or neighbours, a DMA's meters), and
 * its first occurrence lies in [start - tolerance, end + tolerance] (the tolerance absorbs reporting periods and
 * evaluation windows on both sides).
 *
 * Per alarm type:
 *   recall    = faults with at least one matching alarm / faults;
 *   precision = alarms matching at least one fault / alarms (a second alarm for an already detected fault is not a
 *               false alarm; it is counted apart as a duplicate);
 *   time to detect of a detected fault = first occurrence of its earliest matching alarm - fault start, at least 0;
 *   median and p90 by the nearest-rank method (the smallest value with at least p % of the values at or below it).
 * Alarm types outside contract B (e.g. traffic.congestion) have no ground truth: they are counted, not scored.
 *
 * Right-censoring at the end of the run: a fault that starts shortly before the observed period ends may be
 * undetectable within it (a rule that waits an hour for a load to stay abnormal cannot fire on a fault that began
 * 55 minutes before the data stop). Given the period's end and a censoring span, an UNDETECTED fault starting within
 * that span before the end is censored: reported apart, left out of the recall's denominator (and of the misses). A
 * detected one counts as usual, so censoring never lowers recall and never hides a detection.
 * The totals are micro-averages over the scored types.
 */
/** Precision, recall and time to detect of alarms against the simulator's ground truth (see SCORING DETECTION). */
public final class Evaluation {
    private Evaluation() {}

    /** The alarm type a fault should raise (contract B). */
    public static String alarmType(Fault.Type type) {
        return switch (type) {
            case LAMP_FAILURE -> "lighting.lamp-failure";
            case DAY_BURNER -> "lighting.day-burner";
            case CABINET_OUTAGE -> "lighting.cabinet-outage";
            case TRAFFIC_INCIDENT -> "traffic.incident";
            case WATER_LEAK -> "water.leak";
            case CONTAMINATION -> "water.contamination";
            case POLLUTION_EPISODE -> "environment.pollution";
            case METER_TAMPERING -> "energy.abnormal-load";
            case DEVICE_SILENT -> "device.offline";
            case MALFORMED_PAYLOAD -> "device.decode-errors";
        };
    }

    /**
     * The part of an alarm the evaluation needs (contract A).
     *
     * @param id the alarm's id
     * @param type its type, e.g. {@code lighting.lamp-failure}
     * @param originator the entity it was raised on
     * @param firstOccurrence when it was first raised
     */
    public record Alarm(String id, String type, String originator, Instant firstOccurrence) {
        public Alarm {
            Objects.requireNonNull(id);
            Objects.requireNonNull(type);
            Objects.requireNonNull(originator);
            Objects.requireNonNull(firstOccurrence);
        }
    }

    /**
     * The score of one alarm type.
     *
     * @param alarmType the alarm type
     * @param faults faults of the matching fault type, censored ones not included
     * @param censored undetected faults that started too close to the end of the observed period (see above)
     * @param detected faults with at least one matching alarm
     * @param alarms alarms of this type
     * @param matched alarms matching at least one fault
     * @param duplicates matched alarms beyond the first for their fault(s)
     * @param medianTimeToDetect the median time to detect, empty when nothing was detected
     * @param p90TimeToDetect the 90th percentile, empty when nothing was detected
     */
    public record Score(
            String alarmType,
            int faults,
            int censored,
            int detected,
            int alarms,
            int matched,
            int duplicates,
            Optional<Duration> medianTimeToDetect,
            Optional<Duration> p90TimeToDetect) {
        /** Detected faults / faults; empty without faults. */
        public Optional<Double> recall() {
            return faults == 0 ? Optional.empty() : Optional.of(detected / (double) faults);
        }

        /** Matched alarms / alarms; empty without alarms. */
        public Optional<Double> precision() {
            return alarms == 0 ? Optional.empty() : Optional.of(matched / (double) alarms);
        }
    }

    /**
     * The result.
     *
     * @param tolerance the matching tolerance
     * @param scores one per fault type that had faults or alarms, in {@link Fault.Type} order
     * @param total the micro-averaged total over {@code scores} (its alarm type is {@code total})
     * @param unscored alarm counts of the types without ground truth, by type
     * @param misses the faults no alarm matched, by start
     */
    public record Report(
            Duration tolerance, List<Score> scores, Score total, Map<String, Integer> unscored, List<Fault> misses) {}

    /** Scores {@code alarms} against {@code plan} (see SCORING DETECTION), without censoring. */
    public static Report evaluate(FaultPlan plan, List<Alarm> alarms, Duration tolerance) {
        return evaluate(plan, alarms, tolerance, null, Duration.ZERO);
    }

    /**
     * Scores {@code alarms} against {@code plan} (see SCORING DETECTION).
     *
     * @param until the end of the observed period, null when unknown (then nothing is censored)
     * @param censor undetected faults starting less than this before {@code until} are censored
     */
    public static Report evaluate(
            FaultPlan plan,
            List<Alarm> alarms,
            Duration tolerance,
            @org.jspecify.annotations.Nullable Instant until,
            Duration censor) {
        if (tolerance.isNegative() || censor.isNegative()) {
            throw new IllegalArgumentException("The tolerance and the censoring span must not be negative");
        }
        Instant censorFrom = until == null ? null : until.minus(censor);
        Map<String, Fault.Type> typeOf = new LinkedHashMap<>();
        for (Fault.Type t : Fault.Type.values()) {
            typeOf.put(alarmType(t), t);
        }
        Map<Fault.Type, List<Fault>> faults = new EnumMap<>(Fault.Type.class);
        for (Fault f : plan.faults()) {
            faults.computeIfAbsent(f.type(), k -> new ArrayList<>()).add(f);
        }
        Map<Fault.Type, List<Alarm>> alarmsByType = new EnumMap<>(Fault.Type.class);
        Map<String, Integer> unscored = new TreeMap<>();
        for (Alarm a : alarms) {
            Fault.Type t = typeOf.get(a.type());
            if (t == null) {
                unscored.merge(a.type(), 1, Integer::sum);
            } else {
                alarmsByType.computeIfAbsent(t, k -> new ArrayList<>()).add(a);
            }
        }
        List<Score> scores = new ArrayList<>();
        List<Fault> misses = new ArrayList<>();
        List<Duration> allTimes = new ArrayList<>();
        int[] sum = new int[6];
        for (Fault.Type t : Fault.Type.values()) {
            List<Fault> fs = faults.getOrDefault(t, List.of());
            List<Alarm> as = alarmsByType.getOrDefault(t, List.of());
            if (fs.isEmpty() && as.isEmpty()) {
                continue;
            }
            Set<String> matchedAlarms = new HashSet<>();
            Set<String> firstAlarms = new HashSet<>();
            List<Duration> times = new ArrayList<>();
            int detected = 0;
            int censored = 0;
            for (Fault f : fs) {
                Set<String> near = new HashSet<>(plan.related(f.entity()));
                near.add(f.entity());
                Instant from = f.start().minus(tolerance);
                Instant to = f.end().plus(tolerance);
                Alarm first = null;
                for (Alarm a : as) {
                    if (near.contains(a.originator())
                            && !a.firstOccurrence().isBefore(from)
                            && !a.firstOccurrence().isAfter(to)) {
                        matchedAlarms.add(a.id());
                        if (first == null || a.firstOccurrence().isBefore(first.firstOccurrence())) {
                            first = a;
                        }
                    }
                }
                if (first == null && censorFrom != null && !f.start().isBefore(censorFrom)) {
                    censored++;
                } else if (first == null) {
                    misses.add(f);
                } else {
                    detected++;
                    firstAlarms.add(first.id());
                    Duration ttd = Duration.between(f.start(), first.firstOccurrence());
                    times.add(ttd.isNegative() ? Duration.ZERO : ttd);
                }
            }
            int duplicates = matchedAlarms.size() - firstAlarms.size();
            times.sort(null);
            allTimes.addAll(times);
            Score s = new Score(
                    alarmType(t),
                    fs.size() - censored,
                    censored,
                    detected,
                    as.size(),
                    matchedAlarms.size(),
                    duplicates,
                    percentile(times, 50),
                    percentile(times, 90));
            scores.add(s);
            sum[0] += s.faults();
            sum[1] += s.detected();
            sum[2] += s.alarms();
            sum[3] += s.matched();
            sum[4] += s.duplicates();
            sum[5] += s.censored();
        }
        allTimes.sort(null);
        Score total = new Score(
                "total",
                sum[0],
                sum[5],
                sum[1],
                sum[2],
                sum[3],
                sum[4],
                percentile(allTimes, 50),
                percentile(allTimes, 90));
        misses.sort(java.util.Comparator.comparing(Fault::start).thenComparing(Fault::id));
        return new Report(tolerance, scores, total, unscored, misses);
    }

    /** Nearest rank: the value at rank ceil(p/100 n) of the sorted values (1-based); empty for no values. */
    static Optional<Duration> percentile(List<Duration> sorted, int p) {
        if (sorted.isEmpty()) {
            return Optional.empty();
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return Optional.of(sorted.get(Math.max(1, rank) - 1));
    }
}
