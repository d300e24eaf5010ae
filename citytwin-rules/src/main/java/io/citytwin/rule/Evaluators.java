package io.citytwin.rule;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Ngsi;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.locationtech.jts.geom.Point;

/*
 * EVALUATION OF CONDITIONS (event time, per rule and entity)
 *
 * Each (rule, entity) gets a tree of Nodes mirroring its condition; a node keeps the state its kind needs (hysteresis
 * flag, window samples, detector statistics, since-when, last-seen) and its last result. A node is asked on every
 * sample of the entity (event) and on every tick (time passing). Combinators evaluate every child, never short-cut,
 * so that every window and detector sees every sample.
 *
 * Time is event time (observedAt), as in Kafka Streams and the Dataflow model (Akidau et al., VLDB 2015): a sample
 * older than the newest one seen for the entity is "out of order"; within the rule's grace it still enters windows
 * and detectors that keep samples by time (windows; tumbling windows close only once the watermark passes their end
 * plus the grace), while stateless conditions keep their result (the newest value wins); beyond the grace it is
 * dropped (the engine counts it and the trace shows it). The watermark used by durations and absence on ticks is the
 * tenant's: the newest event time seen, advanced by the injected clock while no data arrives.
 */
/** Builds the evaluation node tree of a condition. */
final class Evaluators {
    // the names evaluations note, by number (see Labels)
    private static final int ABSENT_AFTER = Labels.id("absentAfter");
    private static final int BASELINE = Labels.id("baseline");
    private static final int BASELINE_SAMPLES = Labels.id("baselineSamples");
    private static final int EWMA = Labels.id("ewma");
    private static final int FACTOR = Labels.id("factor");
    private static final int FIRST_AT = Labels.id("firstAt");
    private static final int FOR = Labels.id("for");
    private static final int HOLDING_SINCE = Labels.id("holdingSince");
    private static final int LAST_SEEN = Labels.id("lastSeen");
    private static final int LIMIT = Labels.id("limit");
    private static final int MEAN = Labels.id("mean");
    private static final int MEDIAN = Labels.id("median");
    private static final int ROBUST_Z = Labels.id("robustZ");
    private static final int SEASON = Labels.id("season");
    private static final int SILENT_FOR = Labels.id("silentFor");
    private static final int SUN_ELEVATION = Labels.id("sunElevation");
    private static final int THRESHOLD = Labels.id("threshold");
    private static final int WARMUP = Labels.id("warmup");
    private static final int WINDOW = Labels.id("window");
    private static final int WITHIN = Labels.id("within");

    private Evaluators() {}

    /** The state and logic of one condition node for one entity. */
    abstract static class Node {
        boolean last;

        /*
         * The root node of a (rule, entity) also carries the engine's state of the rule for the entity (the clear
         * condition's tree, whether the rule holds, the newest event time), so that evaluating touches one object
         * fewer: the engine's hot path is bound by memory latency over many entities' state.
         */
        /** Root only: the clear condition's tree, or null. */
        @Nullable
        Node clear;

        /** Root only: whether the rule currently holds for the entity. */
        boolean active;

        /**
         * Root only: the newest event time seen, in nanoseconds since the epoch (Long.MIN_VALUE: none yet); a
         * primitive, so that the per-sample update does not make old state point to a young object (which makes
         * every young collection scan the cards of all states).
         */
        long maxT = Long.MIN_VALUE;

        /**
         * Root only: the due time (ns since the epoch) of the engine's live event-time timer entry for this state;
         * Long.MAX_VALUE: none.
         */
        long scheduled = Long.MAX_VALUE;

        /**
         * The other object an evaluation of this node reads first (a window's samples, a duration's condition), or
         * null: the engine loads each state of a change and this object before evaluating them one by one, so that
         * their cache misses overlap (memory-level parallelism). A field, not a method: a virtual call per state
         * would make the loop wait for each state's header before the next load.
         */
        @Nullable
        Object second;

        /** Evaluates on a sample; returns (and remembers) the result. */
        abstract boolean event(Ctx c);

        /** Evaluates as time passes (no new sample); by default the last result stands. */
        boolean tick(Ctx c) {
            return last;
        }

        /** Whether this node's result can change on a tick (durations, absence, tumbling windows). */
        boolean timed() {
            return false;
        }

        /**
         * The earliest event time (ns since the epoch) at which {@link #tick} may change this node's result or state,
         * given no new sample; Long.MAX_VALUE: never. May be early (a tick then changes nothing), never late.
         */
        long due() {
            return Long.MAX_VALUE;
        }
    }

    /** The due time of a (rule, entity) state: of its condition and its clear condition. */
    static long due(Node root) {
        long d = root.due();
        return root.clear == null ? d : Math.min(d, root.clear.due());
    }

    /** {@code a + b} in nanoseconds, saturated at Long.MAX_VALUE / 2 (never reaching "never"). */
    static long plus(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 || r > Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : r;
    }

    static long nanos(Duration d) {
        try {
            return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE / 4 : Long.MAX_VALUE / 4;
        }
    }

    static Node build(Condition c, Duration grace) {
        return switch (c) {
            case Condition.Compare x -> new CompareNode(x);
            case Condition.Threshold x -> new ThresholdNode(x);
            case Condition.All x -> new AllNode(nodes(x.conditions(), grace), true);
            case Condition.Any x -> new AllNode(nodes(x.conditions(), grace), false);
            case Condition.Not x -> new NotNode(build(x.condition(), grace));
            case Condition.Window x -> new WindowNode(x, grace);
            case Condition.For x -> new ForNode(build(x.condition(), grace), x.duration());
            case Condition.Absent x -> new AbsentNode(x);
            case Condition.Sequence x -> new SequenceNode(build(x.first(), grace), build(x.then(), grace), x.within());
            case Condition.Ewma x -> new EwmaNode(x);
            case Condition.RobustZ x -> new RobustZNode(x);
            case Condition.Seasonal x -> new SeasonalNode(x);
            case Condition.Daylight x -> new DaylightNode(x.elevation());
        };
    }

    private static Node[] nodes(List<Condition> cs, Duration grace) {
        Node[] out = new Node[cs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = build(cs.get(i), grace);
        }
        return out;
    }

    /** The expanded names of the entity's own attributes a condition reads (its triggers). */
    static void watched(Condition c, List<String> out) {
        switch (c) {
            case Condition.Compare x -> {
                value(x.left(), out);
                value(x.right(), out);
            }
            case Condition.Threshold x -> value(x.value(), out);
            case Condition.All x -> x.conditions().forEach(y -> watched(y, out));
            case Condition.Any x -> x.conditions().forEach(y -> watched(y, out));
            case Condition.Not x -> watched(x.condition(), out);
            case Condition.Window x -> value(x.value(), out);
            case Condition.For x -> watched(x.condition(), out);
            case Condition.Absent x -> out.addAll(x.attributes());
            case Condition.Sequence x -> {
                watched(x.first(), out);
                watched(x.then(), out);
            }
            case Condition.Ewma x -> value(x.value(), out);
            case Condition.RobustZ x -> value(x.value(), out);
            case Condition.Seasonal x -> value(x.value(), out);
            case Condition.Daylight x -> {}
        }
    }

    /** Whether the condition reads an attribute of a related entity (re-evaluated on ticks). */
    static boolean hasRelated(Condition c) {
        List<String> l = new ArrayList<>();
        relatedNames(c, l);
        return !l.isEmpty();
    }

    private static void relatedNames(Condition c, List<String> out) {
        switch (c) {
            case Condition.Compare x -> {
                if (x.left() instanceof Value.Related || x.right() instanceof Value.Related) {
                    out.add("related");
                }
            }
            case Condition.All x -> x.conditions().forEach(y -> relatedNames(y, out));
            case Condition.Any x -> x.conditions().forEach(y -> relatedNames(y, out));
            case Condition.Not x -> relatedNames(x.condition(), out);
            case Condition.For x -> relatedNames(x.condition(), out);
            case Condition.Sequence x -> {
                relatedNames(x.first(), out);
                relatedNames(x.then(), out);
            }
            default -> {}
        }
    }

    /** Whether the condition keeps state built from past samples (windows, detectors, durations, sequences). */
    static boolean hasHistory(Condition c) {
        return switch (c) {
            case Condition.Window x -> true;
            case Condition.Ewma x -> true;
            case Condition.RobustZ x -> true;
            case Condition.Seasonal x -> true;
            case Condition.For x -> true;
            case Condition.Sequence x -> true;
            case Condition.All x -> x.conditions().stream().anyMatch(Evaluators::hasHistory);
            case Condition.Any x -> x.conditions().stream().anyMatch(Evaluators::hasHistory);
            case Condition.Not x -> hasHistory(x.condition());
            default -> false;
        };
    }

    /** Whether the condition has an absence part (it wants every sample and a seed from the twin). */
    static boolean hasAbsence(Condition c) {
        return switch (c) {
            case Condition.Absent x -> true;
            case Condition.All x -> x.conditions().stream().anyMatch(Evaluators::hasAbsence);
            case Condition.Any x -> x.conditions().stream().anyMatch(Evaluators::hasAbsence);
            case Condition.Not x -> hasAbsence(x.condition());
            case Condition.For x -> hasAbsence(x.condition());
            case Condition.Sequence x -> hasAbsence(x.first()) || hasAbsence(x.then());
            default -> false;
        };
    }

    private static void value(Value v, List<String> out) {
        if (v instanceof Value.Attr a && !out.contains(a.name())) {
            out.add(a.name());
        } else if (v instanceof Value.Related r && !out.contains(r.relationship())) {
            out.add(r.relationship());
        }
    }

    // ---------------------------------------------------------------- stateless and combinators

    static final class CompareNode extends Node {
        private final Condition.Compare c;
        private final int leftLabel;
        private final int rightLabel;
        private final boolean noteLeft;
        private final boolean noteRight;

        CompareNode(Condition.Compare c) {
            this.c = c;
            this.leftLabel = Labels.id(Ctx.label(c.left()));
            this.rightLabel = Labels.id(Ctx.label(c.right()));
            this.noteLeft = !(c.left() instanceof Value.Const);
            this.noteRight = !(c.right() instanceof Value.Const) || c.left() instanceof Value.Const;
        }

        @Override
        boolean event(Ctx ctx) {
            if (ctx.outOfOrder || ctx.seed) {
                return last;
            }
            // numbers (the common case) without boxing; anything else (strings, booleans, absent) the general way
            double ln = ctx.number(c.left());
            double rn = Double.isNaN(ln) ? Double.NaN : ctx.number(c.right());
            if (!Double.isNaN(rn)) {
                if (noteLeft) {
                    ctx.note(leftLabel, ln);
                    ctx.value = ln;
                }
                if (noteRight) {
                    ctx.note(rightLabel, rn);
                }
                return last = c.op().test(ln, rn);
            }
            Object l = ctx.resolve(c.left());
            Object r = ctx.resolve(c.right());
            if (noteLeft) {
                ctx.note(leftLabel, l);
                if (l instanceof Double d) {
                    ctx.value = d;
                }
            }
            if (noteRight) {
                ctx.note(rightLabel, r);
            }
            return last = c.op().test(l, r);
        }

        @Override
        boolean tick(Ctx ctx) {
            // a related entity may change while this one is silent (a lamp whose cabinet tripped)
            if (ctx.entity != null && (c.left() instanceof Value.Related || c.right() instanceof Value.Related)) {
                return event(ctx);
            }
            return last;
        }
    }

    /** Applies a threshold with hysteresis to {@code v} given the current state {@code active}. */
    static boolean hysteresis(boolean active, double v, Cmp op, double raise, double clear) {
        if (Double.isNaN(v)) {
            return active;
        }
        if (!active || clear == raise) {
            return op.test(v, raise);
        }
        return op == Cmp.GT || op == Cmp.GE ? v > clear : v < clear;
    }

    static final class ThresholdNode extends Node {
        private final Condition.Threshold c;
        private final int label;
        private final int bound;

        ThresholdNode(Condition.Threshold c) {
            this.c = c;
            this.label = Labels.id(Ctx.label(c.value()));
            this.bound = Labels.id(c.op().symbol() + " " + c.raise()
                    + (c.clear() != c.raise() ? " (clear at " + c.clear() + ")" : ""));
        }

        @Override
        boolean event(Ctx ctx) {
            if (ctx.outOfOrder || ctx.seed) {
                return last;
            }
            double v = ctx.number(c.value());
            ctx.note(label, v);
            ctx.noteText(THRESHOLD, bound);
            ctx.value = v;
            return last = hysteresis(last, v, c.op(), c.raise(), c.clear());
        }
    }

    static final class AllNode extends Node {
        private final Node[] children;
        private final boolean all;
        private final boolean timed;

        AllNode(Node[] children, boolean all) {
            this.children = children;
            this.all = all;
            boolean t = false;
            for (Node n : children) {
                t |= n.timed();
            }
            this.timed = t;
        }

        @Override
        boolean event(Ctx c) {
            boolean r = all;
            for (Node n : children) {
                boolean x = n.event(c);
                r = all ? r && x : r || x;
            }
            return last = r;
        }

        @Override
        boolean tick(Ctx c) {
            boolean r = all;
            for (Node n : children) {
                boolean x = n.tick(c);
                r = all ? r && x : r || x;
            }
            return last = r;
        }

        @Override
        boolean timed() {
            return timed;
        }

        @Override
        long due() {
            long d = Long.MAX_VALUE;
            if (timed) {
                for (Node n : children) {
                    d = Math.min(d, n.due());
                }
            }
            return d;
        }
    }

    static final class NotNode extends Node {
        private final Node child;

        NotNode(Node child) {
            this.child = child;
        }

        @Override
        boolean event(Ctx c) {
            return last = !child.event(c);
        }

        @Override
        boolean tick(Ctx c) {
            return last = !child.tick(c);
        }

        @Override
        boolean timed() {
            return child.timed();
        }

        @Override
        long due() {
            return child.due();
        }
    }

    // ---------------------------------------------------------------- windows

    /*
     * Sliding windows keep their samples sorted by event time (an out-of-order sample is inserted in place) and are
     * re-aggregated on every sample: by time, the samples in (newest - size, newest]; by count, the newest `count`
     * (evaluated only once full). Tumbling windows by time keep one bucket per epoch-aligned interval and emit a
     * bucket when the watermark passes its end plus the grace (so late samples within the grace still count; a
     * sample for an emitted bucket is dropped); by count they emit every `count` samples. The result holds until the
     * next emission. Aggregation copies and sorts only for percentiles.
     */
    static final class WindowNode extends Node {
        private final Condition.Window w;
        private final int label;
        private final int bound;
        private final long sizeMs;
        /** Whether an empty window aggregates to NaN (not count or sum), which keeps the threshold as it was. */
        private final boolean emptyKeepsState;
        // samples interleaved in one array, [time ms, value bits, time ms, value bits, ...]: the state a window
        // reads is its node and one array (one cache miss fewer than an array per field, on the engine's hot path
        // over the states of many entities); small at first, most windows of a city hold a few samples
        private long[] samples = new long[8];
        private int n;
        private final @Nullable TreeMap<Long, List<Double>> buckets; // tumbling by time only: start -> values
        private long emittedUpTo = Long.MIN_VALUE;
        private final long grace;

        WindowNode(Condition.Window w, Duration grace) {
            this.w = w;
            this.grace = grace.toMillis();
            this.bound = Labels.id(w.op().symbol() + " " + w.raise());
            this.sizeMs = w.size() == null ? 0 : w.size().toMillis();
            this.second = samples;
            this.buckets = w.kind() == Condition.WindowKind.TUMBLING && w.size() != null ? new TreeMap<>() : null;
            this.emptyKeepsState =
                    w.aggregate() != Condition.Aggregate.COUNT && w.aggregate() != Condition.Aggregate.SUM;
            this.label = Labels.id(w.aggregate().name().toLowerCase(java.util.Locale.ROOT)
                    + (w.aggregate() == Condition.Aggregate.PERCENTILE ? "(" + w.percentile() + ")" : "") + "("
                    + Ctx.label(w.value()) + ") over " + (w.size() != null ? w.size() : w.count() + " samples")
                    + (w.kind() == Condition.WindowKind.TUMBLING ? " tumbling" : " sliding"));
        }

        @Override
        boolean timed() {
            return w.size() != null;
        }

        @Override
        long due() {
            if (w.size() == null) {
                return Long.MAX_VALUE;
            }
            long ms;
            if (buckets != null) {
                if (buckets.isEmpty()) {
                    return Long.MAX_VALUE;
                }
                ms = buckets.firstKey() + sizeMs + grace; // emitted once the watermark reaches this
            } else {
                if (n == 0 || (n == 1 && emptyKeepsState)) {
                    // the last sample leaving changes nothing: an empty window of this aggregate is NaN, which
                    // leaves the threshold as it was (hysteresis), so no tick is due (most windows of the city's
                    // rules hold one sample of a slow reporter: scheduling each was half the engine's time)
                    return Long.MAX_VALUE;
                }
                ms = samples[0] + sizeMs + grace; // the oldest sample leaves once the watermark reaches this
            }
            return ms >= Long.MAX_VALUE / 2_000_000 ? Long.MAX_VALUE / 2 : ms * 1_000_000L;
        }

        @Override
        boolean event(Ctx c) {
            if (c.seed) {
                return last;
            }
            double v = c.number(w.value());
            long t = c.t.toEpochMilli();
            if (w.kind() == Condition.WindowKind.TUMBLING && w.size() != null) {
                if (!Double.isNaN(v)) {
                    long start = Math.floorDiv(t, sizeMs) * sizeMs;
                    if (start + sizeMs > emittedUpTo) {
                        Objects.requireNonNull(buckets)
                                .computeIfAbsent(start, k -> new ArrayList<>())
                                .add(v);
                    }
                }
                return emit(c, Math.max(t, c.now.toEpochMilli()));
            }
            if (!Double.isNaN(v)) {
                insert(t, v);
            }
            if (w.size() != null) {
                long newest = n == 0 ? t : samples[2 * n - 2];
                int drop = 0;
                while (drop < n && samples[2 * drop] <= newest - sizeMs) {
                    drop++;
                }
                removeFirst(drop);
            } else {
                if (n > w.count()) {
                    removeFirst(n - w.count());
                }
                if (n < w.count()) {
                    c.note(label, (Object) null);
                    return last;
                }
                if (w.kind() == Condition.WindowKind.TUMBLING) {
                    double agg = aggregate(samples, n);
                    n = 0;
                    return decide(c, agg);
                }
            }
            if (n == 0) {
                return last;
            }
            return decide(c, aggregate(samples, n));
        }

        @Override
        boolean tick(Ctx c) {
            if (w.size() == null) {
                return last;
            }
            if (w.kind() == Condition.WindowKind.TUMBLING) {
                return emit(c, c.now.toEpochMilli());
            }
            // sliding: samples age out as time passes even when none arrive (a burst of errors ends)
            long now = c.now.toEpochMilli();
            int drop = 0;
            while (drop < n && samples[2 * drop] <= now - sizeMs - grace) {
                drop++;
            }
            if (drop == 0) {
                return last;
            }
            removeFirst(drop);
            double agg = n == 0
                    ? (w.aggregate() == Condition.Aggregate.COUNT || w.aggregate() == Condition.Aggregate.SUM
                            ? 0
                            : Double.NaN)
                    : aggregate(samples, n);
            return decide(c, agg);
        }

        private boolean emit(Ctx c, long watermark) {
            TreeMap<Long, List<Double>> buckets = Objects.requireNonNull(this.buckets);
            while (!buckets.isEmpty()) {
                long start = buckets.firstKey();
                if (start + sizeMs + grace > watermark) {
                    break;
                }
                List<Double> vs = buckets.pollFirstEntry().getValue();
                emittedUpTo = start + sizeMs;
                int k = vs == null ? 0 : vs.size();
                long[] bucket = new long[2 * k];
                for (int i = 0; i < k; i++) {
                    bucket[2 * i] = start + i; // order within the bucket is arrival order; rate uses the bucket span
                    bucket[2 * i + 1] = Double.doubleToRawLongBits(vs.get(i));
                }
                double agg = k == 0 ? Double.NaN : aggregate(bucket, k);
                if (w.aggregate() == Condition.Aggregate.RATE && k >= 2) {
                    agg = (vs.get(k - 1) - vs.get(0)) / (sizeMs / 1000.0);
                }
                c.note(WINDOW, Instant.ofEpochMilli(start) + "/" + Instant.ofEpochMilli(start + sizeMs));
                last = decide(c, agg);
            }
            return last;
        }

        private boolean decide(Ctx c, double agg) {
            c.note(label, agg);
            c.noteText(THRESHOLD, bound);
            if (!Double.isNaN(agg)) {
                c.value = agg;
            }
            return last = hysteresis(last, agg, w.op(), w.raise(), w.clear());
        }

        private void insert(long t, double v) {
            if (2 * n == samples.length) {
                samples = Arrays.copyOf(samples, samples.length * 2);
                second = samples;
            }
            int i = n;
            while (i > 0 && samples[2 * i - 2] > t) {
                samples[2 * i] = samples[2 * i - 2];
                samples[2 * i + 1] = samples[2 * i - 1];
                i--;
            }
            samples[2 * i] = t;
            samples[2 * i + 1] = Double.doubleToRawLongBits(v);
            n++;
        }

        private void removeFirst(int k) {
            if (k <= 0) {
                return;
            }
            System.arraycopy(samples, 2 * k, samples, 0, 2 * (n - k));
            n -= k;
        }

        /** The window's aggregate of the first {@code k} samples of {@code s} (interleaved time, value bits). */
        private double aggregate(long[] s, int k) {
            switch (w.aggregate()) {
                case COUNT:
                    return k;
                case SUM:
                case AVG: {
                    double sum = 0;
                    for (int i = 0; i < k; i++) {
                        sum += value(s, i);
                    }
                    return w.aggregate() == Condition.Aggregate.SUM ? sum : sum / k;
                }
                case MIN: {
                    double m = Double.POSITIVE_INFINITY;
                    for (int i = 0; i < k; i++) {
                        m = Math.min(m, value(s, i));
                    }
                    return m;
                }
                case MAX: {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < k; i++) {
                        m = Math.max(m, value(s, i));
                    }
                    return m;
                }
                case PERCENTILE: {
                    double[] sorted = new double[k];
                    for (int i = 0; i < k; i++) {
                        sorted[i] = value(s, i);
                    }
                    Arrays.sort(sorted);
                    // nearest rank (NIST): the ceil(p/100 * n)-th smallest, at least the first
                    int rank = (int) Math.ceil(w.percentile() / 100.0 * k);
                    return sorted[Math.max(0, Math.min(k - 1, rank - 1))];
                }
                case RATE: {
                    if (k < 2 || s[2 * k - 2] == s[0]) {
                        return Double.NaN;
                    }
                    return (value(s, k - 1) - value(s, 0)) / ((s[2 * k - 2] - s[0]) / 1000.0);
                }
                default:
                    return Double.NaN;
            }
        }

        private static double value(long[] s, int i) {
            return Double.longBitsToDouble(s[2 * i + 1]);
        }
    }

    // ---------------------------------------------------------------- time

    static final class ForNode extends Node {
        private final Node child;
        private final Duration duration;
        private @Nullable Instant since;

        private final int durationText;
        private final long durationNanos;

        ForNode(Node child, Duration duration) {
            this.child = child;
            this.duration = duration;
            this.durationText = Labels.id(duration.toString());
            this.durationNanos = nanos(duration);
            this.second = child;
        }

        @Override
        boolean timed() {
            return true;
        }

        @Override
        boolean event(Ctx c) {
            if (c.outOfOrder || c.seed) {
                child.event(c);
                return last;
            }
            return last = update(c, child.event(c), c.t);
        }

        @Override
        boolean tick(Ctx c) {
            return last = update(c, child.tick(c), c.now);
        }

        @Override
        long due() {
            long d = child.due();
            Instant s = since;
            if (!last && s != null) {
                d = Math.min(d, plus(RuleEngine.epochNanos(s), durationNanos));
            }
            return d;
        }

        private boolean update(Ctx c, boolean holds, Instant now) {
            if (!holds) {
                if (since != null) {
                    since = null; // only when it changes: see Labels on reference stores
                }
                return false;
            }
            if (since == null) {
                since = c.t;
            }
            c.note(HOLDING_SINCE, since);
            c.noteText(FOR, durationText);
            return !now.isBefore(since.plus(duration));
        }
    }

    static final class AbsentNode extends Node {
        private final Condition.Absent a;
        private @Nullable Instant lastSeen;
        private boolean lastSeenObserved;

        private final long afterNanos;

        AbsentNode(Condition.Absent a) {
            this.a = a;
            this.afterNanos = nanos(a.after());
        }

        @Override
        boolean timed() {
            return true;
        }

        @Override
        long due() {
            Instant seen = lastSeen;
            return last || seen == null ? Long.MAX_VALUE : plus(RuleEngine.epochNanos(seen), afterNanos);
        }

        @Override
        boolean event(Ctx c) {
            boolean seen = a.attributes().isEmpty();
            for (String name : a.attributes()) {
                if (c.changed.contains(name)) {
                    seen = true;
                    break;
                }
            }
            // an observed time replaces a stand-in (the creation time of an entity fed with past observations)
            if (seen
                    && (lastSeen == null
                            || (c.observed && !lastSeenObserved)
                            || (c.observed == lastSeenObserved && c.t.isAfter(lastSeen)))) {
                lastSeen = c.t;
                lastSeenObserved = c.observed;
            }
            return last = check(c, c.seed ? c.now : c.t);
        }

        @Override
        boolean tick(Ctx c) {
            return last = check(c, c.now);
        }

        private boolean check(Ctx c, Instant now) {
            if (lastSeen == null) {
                return false;
            }
            c.note(LAST_SEEN, lastSeen);
            c.note(SILENT_FOR, Duration.between(lastSeen, now));
            c.note(ABSENT_AFTER, a.after());
            return !now.isBefore(lastSeen.plus(a.after()));
        }
    }

    static final class SequenceNode extends Node {
        private final Node first;
        private final Node then;
        private final Duration within;
        private boolean firstBefore;
        private boolean thenBefore;
        private @Nullable Instant firstAt;

        SequenceNode(Node first, Node then, Duration within) {
            this.first = first;
            this.then = then;
            this.within = within;
        }

        @Override
        boolean event(Ctx c) {
            boolean f = first.event(c);
            boolean t = then.event(c);
            if (c.outOfOrder || c.seed) {
                return last = false;
            }
            boolean result = false;
            if (t && !thenBefore && firstAt != null && !c.t.isAfter(firstAt.plus(within))) {
                c.note(FIRST_AT, firstAt);
                c.note(WITHIN, within);
                result = true;
                firstAt = null;
            }
            if (f && !firstBefore) {
                firstAt = c.t;
            }
            firstBefore = f;
            thenBefore = t;
            return last = result;
        }
    }

    // ---------------------------------------------------------------- anomaly detectors

    /*
     * EWMA control chart (Roberts 1959). Phase I: the first `warmup` samples estimate the in-control mean and
     * standard deviation (Welford's online algorithm). Phase II: z_i = lambda x_i + (1 - lambda) z_{i-1}, z_0 = mean,
     * out of control when |z_i - mean| > L sigma sqrt(lambda / (2 - lambda) * (1 - (1 - lambda)^(2i))), the exact
     * (time-varying) limits; (lambda, L) = (0.2, 2.962) gives an in-control ARL of about 500 (Lucas and Saccucci
     * 1990, REFERENCE.md section 6). Samples must come in order: out-of-order ones are skipped.
     */
    static final class EwmaNode extends Node {
        private final Condition.Ewma e;
        private final int label;
        private long n;
        private double mean;
        private double m2;
        private double sigma;
        private double z;
        private long i;

        EwmaNode(Condition.Ewma e) {
            this.e = e;
            this.label = Labels.id(Ctx.label(e.value()));
        }

        @Override
        boolean event(Ctx c) {
            if (c.outOfOrder || c.seed) {
                return last;
            }
            double x = c.number(e.value());
            if (Double.isNaN(x)) {
                return last;
            }
            c.note(label, x);
            c.value = x;
            if (n < e.warmup()) {
                n++;
                double d = x - mean;
                mean += d / n;
                m2 += d * (x - mean);
                if (n == e.warmup()) {
                    sigma = Math.sqrt(m2 / (n - 1));
                    z = mean;
                }
                c.note(WARMUP, n + "/" + e.warmup());
                return last = false;
            }
            i++;
            z = e.lambda() * x + (1 - e.lambda()) * z;
            double half =
                    e.l() * sigma * Math.sqrt(e.lambda() / (2 - e.lambda()) * (1 - Math.pow(1 - e.lambda(), 2.0 * i)));
            c.note(EWMA, z);
            c.note(MEAN, mean);
            c.note(LIMIT, half);
            if (sigma == 0) {
                return last = false;
            }
            double d = z - mean;
            return last = switch (e.direction()) {
                case ABOVE -> d > half;
                case BELOW -> -d > half;
                case BOTH -> Math.abs(d) > half;
            };
        }
    }

    /*
     * Robust z-score (Iglewicz and Hoaglin 1993, "How to detect and handle outliers"): M = 0.6745 (x - median) / MAD
     * over the previous `window` samples; |M| > 3.5 is an outlier. When the MAD is 0 (more than half the values equal)
     * the mean absolute deviation times 1.2533 stands in (sqrt(pi/2), its ratio to sigma for a normal distribution);
     * when that is 0 too there is no decision. Needs half a window (at least 5 samples) first. The sample is scored
     * against the window before it enters it.
     */
    static final class RobustZNode extends Node {
        private final Condition.RobustZ r;
        private final int label;
        private final double[] ring;
        private int count;
        private int next;

        RobustZNode(Condition.RobustZ r) {
            this.r = r;
            this.label = Labels.id(Ctx.label(r.value()));
            this.ring = new double[r.window()];
        }

        @Override
        boolean event(Ctx c) {
            if (c.seed) {
                return last;
            }
            double x = c.number(r.value());
            if (Double.isNaN(x)) {
                return last;
            }
            c.note(label, x);
            c.value = x;
            boolean result = false;
            if (count >= Math.max(5, r.window() / 2)) {
                double[] s = Arrays.copyOf(ring, count);
                Arrays.sort(s);
                double median = median(s);
                double[] dev = new double[count];
                double meanAd = 0;
                for (int i = 0; i < count; i++) {
                    dev[i] = Math.abs(s[i] - median);
                    meanAd += dev[i];
                }
                meanAd /= count;
                Arrays.sort(dev);
                double mad = median(dev);
                double score = Double.NaN;
                if (mad > 0) {
                    score = 0.6745 * (x - median) / mad;
                } else if (meanAd > 0) {
                    score = (x - median) / (1.2533 * meanAd);
                }
                c.note(MEDIAN, median);
                c.note(ROBUST_Z, score);
                if (!Double.isNaN(score)) {
                    result = switch (r.direction()) {
                        case ABOVE -> score > r.threshold();
                        case BELOW -> -score > r.threshold();
                        case BOTH -> Math.abs(score) > r.threshold();
                    };
                }
            }
            if (!c.outOfOrder || count < ring.length) {
                ring[next] = x;
                next = (next + 1) % ring.length;
                count = Math.min(count + 1, ring.length);
            }
            return last = c.outOfOrder ? last : result;
        }

        private static double median(double[] sorted) {
            int k = sorted.length;
            return k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
        }
    }

    /*
     * Seasonal baseline (seasonal naive forecast, Hyndman and Athanasopoulos, FPP3 section 5.2, with the median of
     * the last `history` same-season values instead of the single last one, for robustness): the season bucket of a
     * sample is its hour of the week (m = 168 for hourly buckets), of the day (24) or of a weekday/weekend day (48),
     * in the rule's time zone. A sample is anomalous when it is beyond `factor` times the baseline and at least
     * `minDelta` away from it; anomalous samples do not enter the baseline, so a lasting anomaly (a tampered meter)
     * does not become the new normal.
     */
    static final class SeasonalNode extends Node {
        private final Condition.Seasonal s;
        private final int label;
        private final Map<Integer, double[]> rings = new HashMap<>();
        private final Map<Integer, int[]> counts = new HashMap<>(); // [count, next]

        SeasonalNode(Condition.Seasonal s) {
            this.s = s;
            this.label = Labels.id(Ctx.label(s.value()));
        }

        @Override
        boolean event(Ctx c) {
            if (c.seed) {
                return last;
            }
            double x = c.number(s.value());
            if (Double.isNaN(x)) {
                return last;
            }
            c.note(label, x);
            c.value = x;
            int bucket = bucket(c.t);
            double[] ring = rings.computeIfAbsent(bucket, k -> new double[s.history()]);
            int[] cn = counts.computeIfAbsent(bucket, k -> new int[2]);
            boolean anomalous = false;
            if (cn[0] >= s.minSamples()) {
                double[] sorted = Arrays.copyOf(ring, cn[0]);
                Arrays.sort(sorted);
                int k = sorted.length;
                double baseline = k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
                c.note(BASELINE, baseline);
                c.note(SEASON, s.season().name().toLowerCase(java.util.Locale.ROOT) + " bucket " + bucket);
                c.note(FACTOR, s.factor());
                anomalous = Math.abs(x - baseline) >= s.minDelta()
                        && (s.direction() == Condition.Direction.BELOW
                                ? x <= s.factor() * baseline
                                : x >= s.factor() * baseline);
            } else {
                c.note(BASELINE_SAMPLES, cn[0] + "/" + s.minSamples());
            }
            if (!anomalous) {
                ring[cn[1]] = x;
                cn[1] = (cn[1] + 1) % ring.length;
                cn[0] = Math.min(cn[0] + 1, ring.length);
            }
            return last = c.outOfOrder ? last : anomalous;
        }

        private int bucket(Instant t) {
            ZonedDateTime z = t.atZone(s.zone());
            int hour = z.getHour();
            return switch (s.season()) {
                case DAY -> hour;
                case WEEK -> (z.getDayOfWeek().getValue() - 1) * 24 + hour;
                case DAYTYPE ->
                    (z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY ? 24 : 0) + hour;
            };
        }
    }

    static final class DaylightNode extends Node {
        private final double elevation;

        DaylightNode(double elevation) {
            this.elevation = elevation;
        }

        @Override
        boolean event(Ctx c) {
            if (c.outOfOrder || c.seed || c.entity == null) {
                return last;
            }
            Optional<Attribute> loc = c.entity.attribute(Ngsi.LOCATION);
            if (loc.isEmpty() || !(loc.get().value() instanceof GeoValue g)) {
                return last = false;
            }
            Point p = g.geometry().getCentroid();
            double e = Sun.elevation(c.t, p.getY(), p.getX());
            c.note(SUN_ELEVATION, Math.round(e * 10) / 10.0);
            return last = e > elevation;
        }
    }
}
