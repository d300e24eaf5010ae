package io.citytwin.incident;

/**
 * Told about every change of an incident, with the incident after it and the timeline entry of the change (the live
 * feed broadcasts the incident as an {@code incident} event). Called on the thread that made the change, after the
 * store has it: must be quick and must not throw.
 */
@FunctionalInterface
public interface IncidentListener {
    /**
     * @param incident the incident after the change
     * @param entry the change's timeline entry
     */
    void changed(Incident incident, TimelineEntry entry);
}
