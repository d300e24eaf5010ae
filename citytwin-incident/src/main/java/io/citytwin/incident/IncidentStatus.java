package io.citytwin.incident;

import io.citytwin.twin.TwinException;

/** Where an incident is in its lifecycle (contract A). */
public enum IncidentStatus {
    /** Received, not yet looked at. */
    NEW("new"),
    /** Classified and checked (by an operator or automatically). */
    TRIAGED("triaged"),
    /** Assigned to a responsible department. */
    DISPATCHED("dispatched"),
    /** The department works on it. */
    IN_PROGRESS("in-progress"),
    /** The department says it is fixed. */
    RESOLVED("resolved"),
    /** Verified and closed. */
    CLOSED("closed");

    private final String label;

    IncidentStatus(String label) {
        this.label = label;
    }

    /** The exact string of the API and the stores (contract A). */
    public String label() {
        return label;
    }

    /**
     * The constant named {@code label} (exact, lower case).
     *
     * @throws TwinException BadRequestData {@code incident.invalid} when there is none
     */
    public static IncidentStatus of(String label) {
        for (IncidentStatus v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw TwinException.badData(
                "incident.invalid",
                "Unknown incidentStatus '" + label
                        + "'; expected one of: new, triaged, dispatched, in-progress, resolved, closed");
    }

    /** Whether an incident in this status still needs work (not resolved, not closed). */
    public boolean active() {
        return this != RESOLVED && this != CLOSED;
    }

    /*
     * The lifecycle (docs/incidents.md): new -> triaged -> dispatched -> in-progress -> resolved -> closed, with the
     * short cuts a hotline uses: an enquiry answered at triage (triaged -> resolved), a quick fix (dispatched ->
     * resolved), a dismissal before dispatch (new/triaged -> closed, e.g. spam) and a re-dispatch to another
     * department (dispatched -> dispatched). Reopening (resolved/closed -> triaged) is its own action, not a status
     * change, so that it is counted (reopenCount) and escalated.
     */
    /** Whether a status change from this status to {@code to} is legal (reopening is not a status change). */
    public boolean canMoveTo(IncidentStatus to) {
        return switch (this) {
            case NEW -> to == TRIAGED || to == CLOSED;
            case TRIAGED -> to == DISPATCHED || to == RESOLVED || to == CLOSED;
            case DISPATCHED -> to == DISPATCHED || to == IN_PROGRESS || to == RESOLVED;
            case IN_PROGRESS -> to == RESOLVED;
            case RESOLVED -> to == CLOSED;
            case CLOSED -> false;
        };
    }

    /** Whether an incident in this status can be reopened (resolved or closed). */
    public boolean reopenable() {
        return this == RESOLVED || this == CLOSED;
    }
}
