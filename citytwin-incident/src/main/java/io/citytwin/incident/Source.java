package io.citytwin.incident;

import io.citytwin.twin.TwinException;

/** Where an incident came from (contract B). */
public enum Source {
    /** An alarm of the rules engine. */
    ALARM("alarm"),
    /** A citizen report (Open311 GeoReport v2). */
    OPEN311("open311"),
    /** A public-opinion post. */
    OPINION("opinion"),
    /** Created by an operator. */
    OPERATOR("operator");

    private final String label;

    Source(String label) {
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
    public static Source of(String label) {
        for (Source v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw TwinException.badData(
                "incident.invalid",
                "Unknown source '" + label + "'; expected one of: alarm, open311, opinion, operator");
    }
}
