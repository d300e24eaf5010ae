package io.citytwin.open311;

import java.util.List;
import java.util.Objects;

/**
 * The attributes of one service (GeoReport v2 "GET Service Definition"): extra form fields a submission fills in as
 * {@code attribute[code]=value}.
 *
 * @param serviceCode the service
 * @param attributes sorted by {@link Attribute#order()}
 */
public record ServiceDefinition(String serviceCode, List<Attribute> attributes) {
    public ServiceDefinition {
        Objects.requireNonNull(serviceCode);
        attributes = attributes.stream()
                .sorted(java.util.Comparator.comparingInt(Attribute::order))
                .toList();
    }

    /** The attribute with this code, if any. */
    public java.util.Optional<Attribute> attribute(String code) {
        return attributes.stream().filter(a -> a.code().equals(code)).findFirst();
    }

    /**
     * One attribute.
     *
     * @param variable true when the user enters a value; false when it only informs
     * @param code the unique identifier, used as {@code attribute[code]}
     * @param datatype the kind of input
     * @param required whether a submission must carry it
     * @param datatypeDescription help for the input ("" when none)
     * @param order display order, 1 first
     * @param description the question asked
     * @param values the choices of a list datatype (empty otherwise)
     */
    public record Attribute(
            boolean variable,
            String code,
            Datatype datatype,
            boolean required,
            String datatypeDescription,
            int order,
            String description,
            List<Value> values) {
        public Attribute {
            if (code == null || code.isBlank()) {
                throw new IllegalArgumentException("An attribute needs a code");
            }
            Objects.requireNonNull(datatype);
            Objects.requireNonNull(datatypeDescription);
            Objects.requireNonNull(description);
            if (order < 1) {
                throw new IllegalArgumentException("Attribute order must be positive, not " + order);
            }
            values = List.copyOf(values);
        }
    }

    /** One choice of a list attribute: {@code key} is submitted, {@code name} is shown. */
    public record Value(String key, String name) {
        public Value {
            Objects.requireNonNull(key);
            Objects.requireNonNull(name);
        }
    }

    /** The spec's attribute datatypes. */
    public enum Datatype {
        STRING,
        NUMBER,
        DATETIME,
        TEXT,
        SINGLEVALUELIST,
        MULTIVALUELIST;

        /** The spec's lower-case name. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
