package io.citytwin.incident;

import java.util.List;

/**
 * What became of a citizen report or post.
 *
 * @param incident the incident it opened or was merged into (after the change)
 * @param report the stored report
 * @param merged true when it was merged into an existing incident as a child report
 * @param suggestedDuplicates open incidents that may be the same (when a new incident was opened)
 */
public record Intake(Incident incident, Report report, boolean merged, List<String> suggestedDuplicates) {
    public Intake {
        suggestedDuplicates = List.copyOf(suggestedDuplicates);
    }
}
