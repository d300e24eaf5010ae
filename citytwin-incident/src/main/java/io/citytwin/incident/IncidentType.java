package io.citytwin.incident;

import io.citytwin.twin.TwinException;

/** The kind of request (contract A; the Beijing hotline regulation's five types plus sensor alarms and public opinion). */
public enum IncidentType {
    /** 咨询: a question. */
    ENQUIRY("enquiry"),
    /** 求助: a request for help. */
    HELP_REQUEST("help-request"),
    /** 投诉: a complaint. */
    COMPLAINT("complaint"),
    /** 举报: a report of a violation. */
    VIOLATION_REPORT("violation-report"),
    /** 建议: a suggestion. */
    SUGGESTION("suggestion"),
    /** An alarm of the rules engine: the twin saw it. */
    SENSOR_ALARM("sensor-alarm"),
    /** A public-opinion post (social media, forums). */
    PUBLIC_OPINION("public-opinion");

    private final String label;

    IncidentType(String label) {
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
    public static IncidentType of(String label) {
        for (IncidentType v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw TwinException.badData(
                "incident.invalid",
                "Unknown incidentType '" + label
                        + "'; expected one of: enquiry, help-request, complaint, violation-report, suggestion, sensor-alarm, public-opinion");
    }
}
