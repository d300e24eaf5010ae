package io.citytwin.kpi.water;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/*
 * MINIMUM NIGHT FLOW (REFERENCE.md section 2, "Minimum night flow per DMA"):
 *
 * - The night window is 02:00-04:00 local time (the reference's MNF(02-04 h)).
 * - A night's MNF is the minimum over the window of the rolling one-hour mean flow (UKWIR 99/WM/08/21: "each night's
 *   minimum rolling hour"): for each reading at time te with te >= 03:00, the mean of the readings in (te - 1 h, te];
 *   the smallest of those means. Readings are means of whatever the meter sends (1-minute readings in the simulator).
 *   A night whose readings never cover a full hour (no reading at or after 03:00) has no MNF.
 * - A night closes with the first reading at or after 04:00, or when the caller's clock passes 04:00 (a silent meter).
 * - Baseline: the median of the MNFs of the previous 7 nights that have one (fewer after a start, at least 1);
 *   ratio = last MNF / baseline. A leak raises the ratio well above 1 (the burst adds most to the night flow).
 */
/** Minimum night flow of one meter ({@link Meter}) and the nightly series of a DMA ({@link Baseline}). */
public final class NightFlow {
    /** Start of the night window, local time. */
    public static final LocalTime START = LocalTime.of(2, 0);
    /** End of the night window, local time. */
    public static final LocalTime END = LocalTime.of(4, 0);

    private static final Duration HOUR = Duration.ofHours(1);

    private NightFlow() {}

    /** A closed night of one meter: its date (local) and its MNF in the readings' unit. */
    public record Night(LocalDate date, double mnf, Instant end) {}

    /** The minimum rolling-hour mean of readings (sorted by time) of one night window starting at {@code start}. */
    public static OptionalDouble minimumRollingHour(List<Instant> times, double[] values, Instant start) {
        double best = Double.NaN;
        int from = 0;
        double sum = 0;
        Instant firstEnd = start.plus(HOUR);
        for (int i = 0; i < times.size(); i++) {
            Instant te = times.get(i);
            sum += values[i];
            while (!times.get(from).isAfter(te.minus(HOUR))) {
                sum -= values[from];
                from++;
            }
            if (!te.isBefore(firstEnd)) {
                double mean = sum / (i - from + 1);
                best = Double.isNaN(best) ? mean : Math.min(best, mean);
            }
        }
        return Double.isNaN(best) ? OptionalDouble.empty() : OptionalDouble.of(best);
    }

    /** The median of {@code values} (not empty). */
    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Collects one flow meter's night readings and closes nights. Not thread-safe. */
    public static final class Meter {
        private final ZoneId zone;
        private LocalDate night;
        private final List<Instant> times = new ArrayList<>();
        private double[] values = new double[64];

        public Meter(ZoneId zone) {
            this.zone = zone;
        }

        /**
         * Adds a reading (in time order); returns the night it closed, if any.
         *
         * @param flow the flow (any unit; m3/h in the simulator)
         */
        public Optional<Night> add(Instant t, double flow) {
            Optional<Night> closed = closeIfDue(t);
            ZonedDateTime z = t.atZone(zone);
            LocalTime time = z.toLocalTime();
            if (!time.isBefore(START) && time.isBefore(END)) {
                LocalDate d = z.toLocalDate();
                if (!d.equals(night)) {
                    night = d;
                    times.clear();
                }
                if (times.size() == values.length) {
                    values = Arrays.copyOf(values, values.length * 2);
                }
                values[times.size()] = flow;
                times.add(t);
            }
            return closed;
        }

        /** Closes the open night when {@code now} is at or after its 04:00; returns it when it had an MNF. */
        public Optional<Night> closeIfDue(Instant now) {
            if (night == null) {
                return Optional.empty();
            }
            Instant end = night.atTime(END).atZone(zone).toInstant();
            if (now.isBefore(end)) {
                return Optional.empty();
            }
            Instant start = night.atTime(START).atZone(zone).toInstant();
            OptionalDouble mnf = minimumRollingHour(times, values, start);
            LocalDate d = night;
            night = null;
            times.clear();
            return mnf.isPresent() ? Optional.of(new Night(d, mnf.getAsDouble(), end)) : Optional.empty();
        }
    }

    /**
     * The nightly MNFs of a DMA (the sum over its flow meters of each night) and the ratio to the baseline. Keeps the
     * last 8 nights. Not thread-safe.
     */
    public static final class Baseline {
        private static final String RESTORED = "";
        private final TreeMap<LocalDate, Map<String, Double>> nights = new TreeMap<>();

        /**
         * Sets one meter's MNF of a night; a night's MNF is the sum over its meters. A value restored for that night
         * (see {@link #restore}) is replaced by the meters' values.
         */
        public void put(LocalDate date, String meter, double mnf) {
            Map<String, Double> m = nights.computeIfAbsent(date, d -> new java.util.HashMap<>());
            m.remove(RESTORED);
            m.put(meter, mnf);
            trim();
        }

        /** Sets a night's MNF as recorded before a restart (the DMA's minimumNightFlow history). */
        public void restore(LocalDate date, double mnf) {
            Map<String, Double> m = nights.computeIfAbsent(date, d -> new java.util.HashMap<>());
            if (m.isEmpty() || m.containsKey(RESTORED)) {
                m.put(RESTORED, mnf);
            }
            trim();
        }

        private void trim() {
            while (nights.size() > 8) {
                nights.pollFirstEntry();
            }
        }

        private static double sum(Map<String, Double> m) {
            double s = 0;
            for (double v : m.values()) {
                s += v;
            }
            return s;
        }

        /** The newest night with its MNF. */
        public Optional<Map.Entry<LocalDate, Double>> last() {
            Map.Entry<LocalDate, Map<String, Double>> e = nights.lastEntry();
            return e == null ? Optional.empty() : Optional.of(Map.entry(e.getKey(), sum(e.getValue())));
        }

        /** The median MNF of up to 7 nights before {@code date}; empty when there is none. */
        public OptionalDouble baseline(LocalDate date) {
            double[] prev = nights.headMap(date, false).descendingMap().values().stream()
                    .limit(7)
                    .mapToDouble(Baseline::sum)
                    .toArray();
            return prev.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(median(prev));
        }

        /** How many nights the baseline before {@code date} rests on (0..7). */
        public int baselineNights(LocalDate date) {
            return Math.min(7, nights.headMap(date, false).size());
        }

        /** The newest night's MNF over its baseline; empty without a baseline or when the baseline is 0. */
        public OptionalDouble ratio() {
            Map.Entry<LocalDate, Double> last = last().orElse(null);
            if (last == null) {
                return OptionalDouble.empty();
            }
            OptionalDouble b = baseline(last.getKey());
            return b.isPresent() && b.getAsDouble() > 0
                    ? OptionalDouble.of(last.getValue() / b.getAsDouble())
                    : OptionalDouble.empty();
        }
    }
}
