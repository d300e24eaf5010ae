package io.citytwin.incident;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A citizen report or public-opinion post attached to an incident: the one that opened it, or a duplicate merged
 * into it as a child report.
 *
 * @param id the report's id, {@code rep-000042} (unique in the store; Open311 may use it as service_request_id)
 * @param incident the incident it belongs to
 * @param source open311 or opinion
 * @param text what the citizen wrote
 * @param language the detected language, or null
 * @param location where, or null
 * @param author who (a name, handle or e-mail as given), or null
 * @param externalId the id the reporting channel gave it, or null
 * @param receivedAt when it was posted
 * @param category the classified category
 * @param confidence the classifier's confidence (1 when the reporter chose the category)
 * @param duplicateScore the duplicate score against the incident it was merged into (0 for the opening report)
 */
public record Report(
        String id,
        String incident,
        Source source,
        String text,
        @Nullable String language,
        @Nullable GeoPoint location,
        @Nullable String author,
        @Nullable String externalId,
        Instant receivedAt,
        Category category,
        double confidence,
        double duplicateScore) {
    public Report {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(category, "category");
    }

    /** The id of report number {@code n}. */
    public static String idOf(long n) {
        return String.format(java.util.Locale.ROOT, "rep-%06d", n);
    }

    /** The Report object of the API. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("incident", incident);
        m.put("source", source.label());
        m.put("text", text);
        m.put("language", language);
        m.put("location", location == null ? null : location.toJson());
        m.put("author", author);
        m.put("externalId", externalId);
        m.put("receivedAt", receivedAt.toString());
        m.put("category", category.label());
        m.put("confidence", confidence);
        m.put("duplicateScore", duplicateScore);
        return m;
    }

    /** The report of its {@link #toJson()} form. */
    public static Report fromJson(Map<String, Object> json) {
        try {
            return new Report(
                    Incident.string(json, "id"),
                    Incident.string(json, "incident"),
                    Source.of(Incident.string(json, "source")),
                    Incident.string(json, "text"),
                    Incident.optString(json, "language"),
                    json.get("location") == null ? null : GeoPoint.fromJson(json.get("location")),
                    Incident.optString(json, "author"),
                    Incident.optString(json, "externalId"),
                    Incident.instant(json, "receivedAt"),
                    Category.of(Incident.string(json, "category")),
                    ((Number) json.get("confidence")).doubleValue(),
                    ((Number) json.get("duplicateScore")).doubleValue());
        } catch (RuntimeException e) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "incident.corrupt", "A stored report cannot be read", e);
        }
    }
}
