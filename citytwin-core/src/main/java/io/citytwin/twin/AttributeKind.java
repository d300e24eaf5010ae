package io.citytwin.twin;

import java.util.Optional;

/**
 * The kinds of NGSI-LD attributes (clause 4.5.2 ff.) and the Java shape of the value each holds in {@link
 * Attribute#value()}:
 *
 * <ul>
 *   <li>{@link #PROPERTY}: any JSON value (see {@link Json}) other than null;
 *   <li>{@link #RELATIONSHIP}: the target entity URI as a {@code String}, or a {@code List<String>} of them;
 *   <li>{@link #GEO_PROPERTY}: a {@link GeoValue};
 *   <li>{@link #LANGUAGE_PROPERTY}: a {@code Map<String, Object>} from language tag to a string or list of strings;
 *   <li>{@link #VOCAB_PROPERTY}: an expanded IRI {@code String}, or a {@code List<String>} of them;
 *   <li>{@link #JSON_PROPERTY}: any JSON value, kept verbatim (never expanded), {@link Json#NULL} allowed;
 *   <li>{@link #LIST_PROPERTY}: a {@code List<Object>} of JSON values;
 *   <li>{@link #LIST_RELATIONSHIP}: a {@code List<String>} of entity URIs.
 * </ul>
 */
public enum AttributeKind {
    PROPERTY("Property", "value"),
    RELATIONSHIP("Relationship", "object"),
    GEO_PROPERTY("GeoProperty", "value"),
    LANGUAGE_PROPERTY("LanguageProperty", "languageMap"),
    VOCAB_PROPERTY("VocabProperty", "vocab"),
    JSON_PROPERTY("JsonProperty", "json"),
    LIST_PROPERTY("ListProperty", "valueList"),
    LIST_RELATIONSHIP("ListRelationship", "objectList");

    private final String typeName;
    private final String valueMember;

    AttributeKind(String typeName, String valueMember) {
        this.typeName = typeName;
        this.valueMember = valueMember;
    }

    /** The NGSI-LD {@code type} member, e.g. {@code GeoProperty}. */
    public String typeName() {
        return typeName;
    }

    /** The member holding the value in the normalized form, e.g. {@code object} for a Relationship. */
    public String valueMember() {
        return valueMember;
    }

    /** The kind named by an NGSI-LD {@code type} member (compact or expanded core IRI). */
    public static Optional<AttributeKind> ofTypeName(String name) {
        String n = name.startsWith(Ngsi.CORE) ? name.substring(Ngsi.CORE.length()) : name;
        for (AttributeKind k : values()) {
            if (k.typeName.equals(n)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The kind whose normalized value member is {@code member}, e.g. {@code languageMap}. */
    public static Optional<AttributeKind> ofValueMember(String member) {
        for (AttributeKind k : values()) {
            if (k.valueMember.equals(member) && k != GEO_PROPERTY) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
