package io.citytwin.open311;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A public-opinion post (a message on social media or a city forum, contract D): free text with an optional location.
 *
 * @param text the post, 1..4000 characters
 * @param language its language (e.g. {@code en}, {@code de}, {@code zh}), or "" when unknown
 * @param location where it is about, or null
 * @param source where it was posted ("" when unknown)
 * @param author who posted it ("" when unknown)
 * @param postedAt when it was posted, or null (then: when it was received)
 */
public record Opinion(
        String text,
        String language,
        @Nullable GeoPoint location,
        String source,
        String author,
        @Nullable Instant postedAt) {
    /** The longest accepted text, like an Open311 description. */
    public static final int MAX_TEXT = 4000;

    public Opinion {
        Objects.requireNonNull(text);
        Objects.requireNonNull(language);
        Objects.requireNonNull(source);
        Objects.requireNonNull(author);
        if (text.isBlank() || text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("An opinion's text must have 1.." + MAX_TEXT + " characters");
        }
    }
}
