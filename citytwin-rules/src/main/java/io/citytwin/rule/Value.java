package io.citytwin.rule;

import java.util.Objects;

/**
 * An operand of a condition: an attribute of the entity being evaluated, an attribute of an entity it is related to,
 * or a constant.
 */
public sealed interface Value permits Value.Attr, Value.Related, Value.Const {

    /**
     * The value of an attribute of the entity (its default instance), times {@code scale} for numbers.
     *
     * @param name the expanded attribute name
     * @param scale multiplies numeric values (1 for none)
     */
    record Attr(String name, double scale) implements Value {
        public Attr {
            // interned: the rules reading the same attribute share one instance (Ctx's per-event lookup cache)
            name = Objects.requireNonNull(name).intern();
        }
    }

    /**
     * The value of an attribute of the entity that the entity's relationship {@code relationship} points to, looked
     * up in the twin at evaluation time (e.g. a detector's downstream detector, a lamp's cabinet).
     *
     * @param relationship the expanded name of the Relationship
     * @param name the expanded attribute name on the related entity
     * @param scale multiplies numeric values
     */
    record Related(String relationship, String name, double scale) implements Value {
        public Related {
            Objects.requireNonNull(relationship);
            Objects.requireNonNull(name);
        }
    }

    /**
     * A constant: a {@code Double}, {@code String} or {@code Boolean}.
     *
     * @param value the constant
     */
    record Const(Object value) implements Value {
        public Const {
            Objects.requireNonNull(value);
            if (value instanceof Number n) {
                value = n.doubleValue();
            }
        }
    }
}
