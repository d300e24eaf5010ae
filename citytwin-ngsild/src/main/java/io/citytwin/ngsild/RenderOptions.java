package io.citytwin.ngsild;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How {@link EntityCodec} renders entities and attributes.
 *
 * @param format the representation (clause 4.5: normalized, concise, simplified/keyValues)
 * @param sysAttrs whether to include {@code createdAt}/{@code modifiedAt} on entities, attributes and sub-attributes
 *     (ISO 8601 UTC with milliseconds)
 * @param lang the requested language for LanguageProperties (clause 4.15): when set, a LanguageProperty renders as a
 *     Property holding the best matching string plus a {@code lang} member; {@code *} or null = all languages
 * @param includeContext whether to put {@code @context} first (for {@code application/ld+json} responses)
 */
public record RenderOptions(Format format, boolean sysAttrs, @Nullable String lang, boolean includeContext) {
    /** The three JSON representations of entities. */
    public enum Format {
        NORMALIZED,
        CONCISE,
        KEY_VALUES
    }

    public RenderOptions {
        Objects.requireNonNull(format, "format");
        if (lang != null && lang.isBlank()) {
            lang = null;
        }
    }

    /** Normalized, no system attributes, all languages, with {@code @context}. */
    public static RenderOptions normalized() {
        return new RenderOptions(Format.NORMALIZED, false, null, true);
    }

    /** Concise, no system attributes, all languages, with {@code @context}. */
    public static RenderOptions concise() {
        return new RenderOptions(Format.CONCISE, false, null, true);
    }

    /** keyValues, all languages, with {@code @context}. */
    public static RenderOptions keyValues() {
        return new RenderOptions(Format.KEY_VALUES, false, null, true);
    }

    /** These options in another format. */
    public RenderOptions withFormat(Format f) {
        return new RenderOptions(f, sysAttrs, lang, includeContext);
    }

    /** These options with system attributes on or off. */
    public RenderOptions withSysAttrs(boolean on) {
        return new RenderOptions(format, on, lang, includeContext);
    }

    /** These options with a language filter ({@code null} or {@code *} = all). */
    public RenderOptions withLang(@Nullable String language) {
        return new RenderOptions(format, sysAttrs, language, includeContext);
    }

    /** These options with or without {@code @context} in the body. */
    public RenderOptions withIncludeContext(boolean on) {
        return new RenderOptions(format, sysAttrs, lang, on);
    }
}
