package io.citytwin.incident;

import io.citytwin.twin.TwinException;

/** Where an incident or task stands against its time limit. */
public enum SlaState {
    /** Open, within the limit and before the warning point. */
    OK("ok"),
    /** Open, past the warning fraction of the limit. */
    WARNING("warning"),
    /** Past the limit (stays breached after resolution). */
    BREACHED("breached"),
    /** Resolved within the limit. */
    MET("met");

    private final String label;

    SlaState(String label) {
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
    public static SlaState of(String label) {
        for (SlaState v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw TwinException.badData(
                "incident.invalid", "Unknown slaState '" + label + "'; expected one of: ok, warning, breached, met");
    }
}
