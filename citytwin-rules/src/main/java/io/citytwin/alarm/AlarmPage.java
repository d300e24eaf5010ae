package io.citytwin.alarm;

import java.util.List;

/**
 * One page of an alarm query.
 *
 * @param alarms the alarms of the page, newest last occurrence first
 * @param total how many alarms match the query in all (for {@code X-Total-Count})
 */
public record AlarmPage(List<Alarm> alarms, long total) {
    public AlarmPage {
        alarms = List.copyOf(alarms);
    }
}
