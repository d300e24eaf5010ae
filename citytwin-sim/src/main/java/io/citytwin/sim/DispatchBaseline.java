package io.citytwin.sim;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/*
 * MANUAL DISPATCH BASELINE
 *
 * What a hotline back office does with the same reports without automatic triage, as a queue model, so that
 * `citytwin evaluate` can put the platform's measured times next to it. Every report (Open311 request or public post)
 * waits in one FIFO queue for one of `operators` operators; an operator reads it, classifies it, looks up the
 * responsible department and creates and dispatches the ticket in a handling time drawn from an exponential
 * distribution of mean `handleTime`; operators work around the clock, or on weekdays between `shiftStart` and
 * `shiftEnd` only (a report arriving outside waits for the next shift). With probability `misrouteRate` the ticket
 * goes to the wrong department, which sends it back after `bounceDelay`; it then queues again and is handled again
 * (the second routing is taken as right). The time to dispatch of a report is the time its correct dispatch
 * happens minus its arrival.
 *
 * The parameters and where they come from (docs/incidents.md keeps the same table):
 *  - operators 2, around the clock: 12345 hotlines answer 7x24 (国办发〔2020〕53号); two operators on the back
 *    office of a medium city's online channel is our assumption. With 2 operators and a few hundred reports a day
 *    the queue is short, which favours the baseline.
 *  - handleTime 4 min: our assumption for reading, classifying, looking up the responsibility list and writing the
 *    ticket; not sourced. The evaluation prints the result for 2 and 8 min too.
 *  - misrouteRate 0.25: Chinese press reports a national average dispatch accuracy of about 75 % (163.com, 2025,
 *    unverified); Minneapolis reported up to 30 % of calls misdirected before its 311 centre (GovTech, 2008).
 *  - bounceDelay 4 h: our assumption for a department to look at a ticket and send it back; not sourced.
 * None of the parameters is fitted to make the platform look good; change them with the evaluate command's options.
 *
 * Deterministic: one SplittableRandom from the seed draws the handling times and the misroutes in report order.
 */
/** The manual-dispatch baseline model (see MANUAL DISPATCH BASELINE). Stateless; thread-safe. */
public final class DispatchBaseline {
    private DispatchBaseline() {}

    /**
     * The model's parameters (see MANUAL DISPATCH BASELINE for their sources).
     *
     * @param operators operators on duty, at least 1
     * @param officeHoursOnly true: operators work Monday to Friday, shiftStart to shiftEnd UTC; false: around the clock
     * @param shiftStart start of a shift (office hours only)
     * @param shiftEnd end of a shift (office hours only), after shiftStart
     * @param handleTime mean time to read, classify, route and dispatch one report, positive
     * @param misrouteRate probability that a dispatch goes to the wrong department, in [0, 1)
     * @param bounceDelay how long a wrongly addressed department takes to send a ticket back
     * @param seed the seed of the random draws
     */
    public record Assumptions(
            int operators,
            boolean officeHoursOnly,
            LocalTime shiftStart,
            LocalTime shiftEnd,
            Duration handleTime,
            double misrouteRate,
            Duration bounceDelay,
            long seed) {
        public Assumptions {
            Objects.requireNonNull(shiftStart);
            Objects.requireNonNull(shiftEnd);
            Objects.requireNonNull(handleTime);
            Objects.requireNonNull(bounceDelay);
            if (operators < 1) {
                throw new IllegalArgumentException("operators must be at least 1, not " + operators);
            }
            if (!shiftEnd.isAfter(shiftStart)) {
                throw new IllegalArgumentException("shiftEnd must be after shiftStart");
            }
            if (handleTime.isNegative() || handleTime.isZero()) {
                throw new IllegalArgumentException("handleTime must be positive, not " + handleTime);
            }
            if (!(misrouteRate >= 0 && misrouteRate < 1)) {
                throw new IllegalArgumentException("misrouteRate must be in [0, 1), not " + misrouteRate);
            }
            if (bounceDelay.isNegative()) {
                throw new IllegalArgumentException("bounceDelay must not be negative, not " + bounceDelay);
            }
        }

        /** Two operators around the clock, 4 min per report, 25 % misrouted, sent back after 4 h, seed 1. */
        public static Assumptions defaults() {
            return new Assumptions(
                    2,
                    false,
                    LocalTime.of(8, 0),
                    LocalTime.of(18, 0),
                    Duration.ofMinutes(4),
                    0.25,
                    Duration.ofHours(4),
                    1);
        }

        public Assumptions withHandleTime(Duration value) {
            return new Assumptions(
                    operators, officeHoursOnly, shiftStart, shiftEnd, value, misrouteRate, bounceDelay, seed);
        }

        public Assumptions withOperators(int value) {
            return new Assumptions(
                    value, officeHoursOnly, shiftStart, shiftEnd, handleTime, misrouteRate, bounceDelay, seed);
        }

        public Assumptions withOfficeHoursOnly(boolean value) {
            return new Assumptions(operators, value, shiftStart, shiftEnd, handleTime, misrouteRate, bounceDelay, seed);
        }

        public Assumptions withMisrouteRate(double value) {
            return new Assumptions(
                    operators, officeHoursOnly, shiftStart, shiftEnd, handleTime, value, bounceDelay, seed);
        }

        public Assumptions withBounceDelay(Duration value) {
            return new Assumptions(
                    operators, officeHoursOnly, shiftStart, shiftEnd, handleTime, misrouteRate, value, seed);
        }
    }

    /**
     * What the baseline did with one report.
     *
     * @param reportId the report
     * @param arrived when it arrived
     * @param dispatched when it reached the right department
     * @param misrouted whether it went to a wrong department first
     */
    public record Outcome(String reportId, Instant arrived, Instant dispatched, boolean misrouted) {
        public Outcome {
            Objects.requireNonNull(reportId);
            Objects.requireNonNull(arrived);
            Objects.requireNonNull(dispatched);
        }

        /** Time from arrival to the correct dispatch. */
        public Duration timeToDispatch() {
            return Duration.between(arrived, dispatched);
        }
    }

    /** A unit of operator work: a report arriving (first time or sent back) at {@code at}. */
    private record Work(int report, Instant at, boolean second) {}

    /** Runs the model over {@code reports} (any order); the outcomes are in the order of {@code reports}. */
    public static List<Outcome> run(List<CitizenReports.Report> reports, Assumptions a) {
        SplittableRandom random = new SplittableRandom(a.seed() ^ 0xD15BA7C4L);
        // one handling time and one misroute draw per report, in report order, so results do not depend on timing
        double[] firstHandle = new double[reports.size()];
        double[] secondHandle = new double[reports.size()];
        boolean[] misrouted = new boolean[reports.size()];
        for (int i = 0; i < reports.size(); i++) {
            firstHandle[i] = exponential(random, a.handleTime());
            secondHandle[i] = exponential(random, a.handleTime());
            misrouted[i] = random.nextDouble() < a.misrouteRate();
        }
        PriorityQueue<Work> queue = new PriorityQueue<>(
                Comparator.comparing(Work::at).thenComparingInt(Work::report).thenComparing(Work::second));
        for (int i = 0; i < reports.size(); i++) {
            queue.add(new Work(i, reports.get(i).time(), false));
        }
        PriorityQueue<Instant> free = new PriorityQueue<>();
        Instant start0 = reports.stream()
                .map(CitizenReports.Report::time)
                .min(Comparator.naturalOrder())
                .orElse(Instant.EPOCH);
        for (int k = 0; k < a.operators(); k++) {
            free.add(start0);
        }
        Instant[] dispatched = new Instant[reports.size()];
        while (!queue.isEmpty()) {
            Work w = queue.poll();
            Instant operatorFree = free.poll();
            Instant start = onDuty(max(w.at(), operatorFree), a);
            double minutes = w.second() ? secondHandle[w.report()] : firstHandle[w.report()];
            Instant done = start.plusNanos((long) (minutes * 60e9));
            free.add(done);
            if (!w.second() && misrouted[w.report()]) {
                queue.add(new Work(w.report(), done.plus(a.bounceDelay()), true));
            } else {
                dispatched[w.report()] = done;
            }
        }
        List<Outcome> out = new ArrayList<>(reports.size());
        for (int i = 0; i < reports.size(); i++) {
            CitizenReports.Report r = reports.get(i);
            out.add(new Outcome(r.id(), r.time(), dispatched[i], misrouted[i]));
        }
        return out;
    }

    /** A draw of an exponential distribution of mean {@code mean}, in minutes. */
    private static double exponential(SplittableRandom random, Duration mean) {
        return -Math.log(1 - random.nextDouble()) * mean.toNanos() / 60e9;
    }

    private static Instant max(Instant x, Instant y) {
        return x.isAfter(y) ? x : y;
    }

    /** {@code t} itself when an operator is on duty then, else the start of the next shift (UTC). */
    static Instant onDuty(Instant t, Assumptions a) {
        if (!a.officeHoursOnly()) {
            return t;
        }
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        for (int day = 0; day < 8; day++) {
            ZonedDateTime d = z.toLocalDate().plusDays(day).atStartOfDay(ZoneOffset.UTC);
            DayOfWeek dow = d.getDayOfWeek();
            if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY) {
                continue;
            }
            ZonedDateTime open = d.with(a.shiftStart());
            ZonedDateTime close = d.with(a.shiftEnd());
            if (z.isBefore(open)) {
                return open.toInstant();
            }
            if (z.isBefore(close)) {
                return z.toInstant();
            }
        }
        throw new IllegalStateException("no shift within a week of " + t); // unreachable: weekdays exist
    }
}
