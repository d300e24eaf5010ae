package io.citytwin.incident;

import java.util.List;

/**
 * One page of incidents, newest {@code updatedAt} first.
 *
 * @param incidents the page
 * @param total how many pass the filter, all pages
 */
public record IncidentPage(List<Incident> incidents, long total) {
    public IncidentPage {
        incidents = List.copyOf(incidents);
    }
}
