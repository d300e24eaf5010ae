package io.citytwin.incident;

import io.citytwin.twin.TwinException;

/** How urgent an incident is (contract A). */
public enum Priority {
    /** Danger to people or a major outage: hours. */
    URGENT("urgent"),
    /** Serious, quick attention. */
    HIGH("high"),
    /** The statutory time limits. */
    NORMAL("normal"),
    /** When there is time (never beyond the statutory limits). */
    LOW("low");

    private final String label;

    Priority(String label) {
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
    public static Priority of(String label) {
        for (Priority v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw TwinException.badData(
                "incident.invalid", "Unknown priority '" + label + "'; expected one of: urgent, high, normal, low");
    }
}
