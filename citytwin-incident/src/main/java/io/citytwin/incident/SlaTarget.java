package io.citytwin.incident;

import io.citytwin.twin.TwinException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A time limit: either a number of working days (the hotline rules count in working days) or a number of hours
 * (sensor alarms and urgent incidents, which run around the clock). Exactly one of the two is positive.
 *
 * @param workingDays working days (Monday to Friday), or 0
 * @param hours clock hours, or 0
 */
public record SlaTarget(int workingDays, int hours) {
    public SlaTarget {
        if (workingDays < 0 || hours < 0 || (workingDays == 0) == (hours == 0)) {
            throw TwinException.badData(
                    "incident.invalid",
                    "an SLA is either {\"workingDays\": n} or {\"hours\": n} with n > 0, got workingDays=" + workingDays
                            + ", hours=" + hours);
        }
    }

    /** A limit of {@code n} working days. */
    public static SlaTarget workingDays(int n) {
        return new SlaTarget(n, 0);
    }

    /** A limit of {@code n} clock hours. */
    public static SlaTarget hours(int n) {
        return new SlaTarget(0, n);
    }

    /*
     * Working days (docs/incidents.md): the Guangdong 12345 rules give limits in working days. We count N working
     * days as "the same local time on the N-th Monday-to-Friday day after the start", in the catalogue's time zone:
     * a Friday 10:00 enquiry with 2 working days is due Tuesday 10:00, a Saturday one also Tuesday 10:00. Public
     * holidays and shift calendars are not modelled (a city would add its holiday list here); this errs towards
     * earlier deadlines around holidays, never later ones.
     */
    /** When something started at {@code start} is due, counting working days in {@code zone}. */
    public Instant due(Instant start, ZoneId zone) {
        if (hours > 0) {
            return start.plus(Duration.ofHours(hours));
        }
        LocalDateTime d = LocalDateTime.ofInstant(start, zone);
        int left = workingDays;
        while (left > 0) {
            d = d.plusDays(1);
            DayOfWeek w = d.getDayOfWeek();
            if (w != DayOfWeek.SATURDAY && w != DayOfWeek.SUNDAY) {
                left--;
            }
        }
        return d.atZone(zone).toInstant();
    }

    /** {@code {"workingDays": n}} or {@code {"hours": n}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (hours > 0) {
            m.put("hours", hours);
        } else {
            m.put("workingDays", workingDays);
        }
        return m;
    }

    /** The limit of {@code {"workingDays": n}} or {@code {"hours": n}}. */
    public static SlaTarget fromJson(Object json) {
        if (json instanceof Map<?, ?> m && m.size() == 1) {
            Object wd = m.get("workingDays");
            Object h = m.get("hours");
            if (wd instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() > 0) {
                return workingDays(n.intValue());
            }
            if (h instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() > 0) {
                return hours(n.intValue());
            }
        }
        throw TwinException.badData(
                "incident.invalid", "an SLA is {\"workingDays\": n} or {\"hours\": n} with a whole n > 0, got " + json);
    }
}
