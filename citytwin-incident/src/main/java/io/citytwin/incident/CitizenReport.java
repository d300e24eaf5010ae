package io.citytwin.incident;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A citizen report (Open311 service request) or a public-opinion post, as the intake receives it.
 *
 * @param source {@link Source#OPEN311} or {@link Source#OPINION}
 * @param text what the citizen wrote (Open311: the description)
 * @param title a short title, or null (the start of the text is used)
 * @param category the category the citizen chose (Open311 service_code), or null to classify the text
 * @param type the request type, or null: {@code public-opinion} for posts, {@code complaint} for reports
 * @param priority the priority, or null for {@code normal}
 * @param languageHint {@code en}, {@code de}, {@code zh}, or null/"" when unknown
 * @param location where, or null
 * @param author who, or null
 * @param externalId the channel's own id (a post's URL, an Open311 token), or null
 * @param at when it was posted, or null for now
 */
public record CitizenReport(
        Source source,
        String text,
        @Nullable String title,
        @Nullable Category category,
        @Nullable IncidentType type,
        @Nullable Priority priority,
        @Nullable String languageHint,
        @Nullable GeoPoint location,
        @Nullable String author,
        @Nullable String externalId,
        @Nullable Instant at) {
    public CitizenReport {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
        if (source != Source.OPEN311 && source != Source.OPINION) {
            throw new IllegalArgumentException("a citizen report comes from open311 or opinion, not " + source);
        }
    }

    /** An Open311 service request with the citizen's category (service_code). */
    public static CitizenReport open311(
            String text, @Nullable Category category, @Nullable GeoPoint location, @Nullable String author) {
        return new CitizenReport(Source.OPEN311, text, null, category, null, null, null, location, author, null, null);
    }

    /** A public-opinion post, to be classified. */
    public static CitizenReport opinion(
            String text, @Nullable String languageHint, @Nullable GeoPoint location, @Nullable String author) {
        return new CitizenReport(
                Source.OPINION, text, null, null, null, null, languageHint, location, author, null, null);
    }
}
