package io.citytwin.rule;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * When a rule fires, as data. Every condition is evaluated per entity, on each change of an attribute it reads (a
 * sample, at its {@code observedAt}) and on the engine's periodic tick (time passing: durations, absence). The
 * semantics of each kind are on its record; the evaluation is in {@code Evaluators}.
 */
public sealed interface Condition
        permits Condition.Compare,
                Condition.Threshold,
                Condition.All,
                Condition.Any,
                Condition.Not,
                Condition.Window,
                Condition.For,
                Condition.Absent,
                Condition.Sequence,
                Condition.Ewma,
                Condition.RobustZ,
                Condition.Seasonal,
                Condition.Daylight {

    /** {@code left op right} on the entity's current values; false when a side has no value. */
    record Compare(Value left, Cmp op, Value right) implements Condition {
        public Compare {
            Objects.requireNonNull(left);
            Objects.requireNonNull(op);
            Objects.requireNonNull(right);
        }
    }

    /**
     * A threshold with hysteresis: becomes true when {@code value op raise} ({@code op} is one of {@code > >= < <=}),
     * and once true stays true until the value is back beyond {@code clear} ({@code value <= clear} for {@code >}
     * and {@code >=}, {@code value >= clear} for {@code <} and {@code <=}). With {@code clear == raise} there is no
     * hysteresis.
     */
    record Threshold(Value value, Cmp op, double raise, double clear) implements Condition {
        public Threshold {
            Objects.requireNonNull(value);
            if (op != Cmp.GT && op != Cmp.GE && op != Cmp.LT && op != Cmp.LE) {
                throw new IllegalArgumentException("a threshold needs > >= < or <=");
            }
        }
    }

    /** Every condition holds (all are evaluated on every sample, so their windows all see it). */
    record All(List<Condition> conditions) implements Condition {
        public All {
            conditions = List.copyOf(conditions);
        }
    }

    /** At least one condition holds (all are evaluated). */
    record Any(List<Condition> conditions) implements Condition {
        public Any {
            conditions = List.copyOf(conditions);
        }
    }

    /** The condition does not hold. */
    record Not(Condition condition) implements Condition {
        public Not {
            Objects.requireNonNull(condition);
        }
    }

    /** How a window advances. */
    enum WindowKind {
        /** The last {@code size} of event time (or the last {@code count} samples), re-evaluated on every sample. */
        SLIDING,
        /** Consecutive, non-overlapping windows aligned to the epoch; evaluated when one closes. */
        TUMBLING
    }

    /** What a window computes over its samples. */
    enum Aggregate {
        COUNT,
        AVG,
        MIN,
        MAX,
        SUM,
        PERCENTILE,
        /** (last - first) / seconds between them: change per second over the window. */
        RATE
    }

    /**
     * A threshold on an aggregate of a window of samples of {@code value}, with hysteresis as {@link Threshold}.
     *
     * @param size the window length in event time, or null for a count window
     * @param count the number of samples of a count window (0 for a time window)
     * @param percentile for {@link Aggregate#PERCENTILE}, 0..100 (nearest rank)
     */
    record Window(
            Value value,
            Aggregate aggregate,
            double percentile,
            WindowKind kind,
            java.time.@org.jspecify.annotations.Nullable Duration size,
            int count,
            Cmp op,
            double raise,
            double clear)
            implements Condition {
        public Window {
            Objects.requireNonNull(value);
            Objects.requireNonNull(aggregate);
            Objects.requireNonNull(kind);
            if ((size == null) == (count <= 0)) {
                throw new IllegalArgumentException("a window has either a size or a count");
            }
        }
    }

    /** The condition has held continuously, in event time, for at least {@code duration}. */
    record For(Condition condition, Duration duration) implements Condition {
        public For {
            Objects.requireNonNull(condition);
            Objects.requireNonNull(duration);
        }
    }

    /**
     * No sample of the entity (of any of {@code attributes}, or of any attribute when empty) for at least {@code
     * after} of event time: "no data for N minutes". Checked on every tick.
     */
    record Absent(Duration after, List<String> attributes) implements Condition {
        public Absent {
            Objects.requireNonNull(after);
            attributes = List.copyOf(attributes);
        }
    }

    /**
     * {@code first} became true and then, within {@code within} of event time, {@code then} became true: true on
     * the sample that completes the sequence, false on the next.
     */
    record Sequence(Condition first, Condition then, Duration within) implements Condition {
        public Sequence {
            Objects.requireNonNull(first);
            Objects.requireNonNull(then);
            Objects.requireNonNull(within);
        }
    }

    /** Which side of the baseline is anomalous. */
    enum Direction {
        ABOVE,
        BELOW,
        BOTH
    }

    /**
     * An EWMA control chart (Roberts 1959; limits per Lucas and Saccucci 1990): the in-control mean and standard
     * deviation are estimated from the first {@code warmup} samples, then {@code z = lambda x + (1 - lambda) z} is out
     * of control beyond {@code mean +- L sigma sqrt(lambda / (2 - lambda) (1 - (1 - lambda)^(2i)))}.
     */
    record Ewma(Value value, double lambda, double l, int warmup, Direction direction) implements Condition {
        public Ewma {
            Objects.requireNonNull(value);
            Objects.requireNonNull(direction);
        }
    }

    /**
     * The robust z-score of Iglewicz and Hoaglin (1993): {@code 0.6745 (x - median) / MAD} over the previous {@code
     * window} samples is beyond {@code threshold} (3.5 recommended).
     */
    record RobustZ(Value value, int window, double threshold, Direction direction) implements Condition {
        public RobustZ {
            Objects.requireNonNull(value);
            Objects.requireNonNull(direction);
        }
    }

    /** Which samples share a seasonal baseline. */
    enum Season {
        /** The same hour of the week (168 buckets). */
        WEEK,
        /** The same hour of the day (24). */
        DAY,
        /** The same hour of a weekday, or of a weekend day (48). */
        DAYTYPE
    }

    /**
     * A seasonal baseline (seasonal naive, Hyndman FPP3 clause 5.2): the median of the last {@code history} normal
     * samples of the same season bucket; a sample is anomalous when {@code x >= factor * baseline} ({@link
     * Direction#ABOVE}, factor above 1) or {@code x <= factor * baseline} ({@link Direction#BELOW}, factor below 1),
     * and differs from it by at least {@code minDelta}. Needs {@code minSamples} in the bucket first; anomalous samples
     * are kept out of the baseline.
     */
    record Seasonal(
            Value value,
            Season season,
            ZoneId zone,
            int minSamples,
            int history,
            Direction direction,
            double factor,
            double minDelta)
            implements Condition {
        public Seasonal {
            Objects.requireNonNull(value);
            Objects.requireNonNull(season);
            Objects.requireNonNull(zone);
            Objects.requireNonNull(direction);
        }
    }

    /**
     * The sun is higher than {@code elevation} degrees at the entity's location at the sample's time (NOAA solar
     * position); false when the entity has no location.
     */
    record Daylight(double elevation) implements Condition {}
}
