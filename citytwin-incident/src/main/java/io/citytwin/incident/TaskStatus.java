package io.citytwin.incident;

import io.citytwin.twin.TwinException;

/** Where a department's task on an incident stands. */
public enum TaskStatus {
    /** Assigned, not started. */
    OPEN("open"),
    /** The department works on it. */
    IN_PROGRESS("in-progress"),
    /** Done. */
    DONE("done");

    private final String label;

    TaskStatus(String label) {
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
    public static TaskStatus of(String label) {
        for (TaskStatus v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw TwinException.badData(
                "incident.invalid", "Unknown taskStatus '" + label + "'; expected one of: open, in-progress, done");
    }
}
