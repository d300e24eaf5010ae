package io.citytwin.subscription;

import io.citytwin.twin.TwinException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The values of a subscription's {@code notificationTrigger} (clause 5.2.12, table 5.2.12-1). {@code entityUpdated}
 * is the combination of the three attribute triggers.
 */
public enum Trigger {
    ENTITY_CREATED("entityCreated"),
    ENTITY_UPDATED("entityUpdated"),
    ENTITY_DELETED("entityDeleted"),
    ATTRIBUTE_CREATED("attributeCreated"),
    ATTRIBUTE_UPDATED("attributeUpdated"),
    ATTRIBUTE_DELETED("attributeDeleted");

    /** The default when a subscription names none: {@code attributeCreated} and {@code attributeUpdated}. */
    public static final Set<Trigger> DEFAULT = Set.copyOf(EnumSet.of(ATTRIBUTE_CREATED, ATTRIBUTE_UPDATED));

    private final String jsonName;

    Trigger(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name in JSON, e.g. {@code entityCreated}. */
    public String jsonName() {
        return jsonName;
    }

    /**
     * The trigger named {@code name}.
     *
     * @throws TwinException BadRequestData {@code subscription.trigger} for an unknown name
     */
    public static Trigger parse(String name) {
        for (Trigger t : values()) {
            if (t.jsonName.equals(name)) {
                return t;
            }
        }
        throw TwinException.badData(
                "subscription.trigger",
                "Unknown notificationTrigger '" + name + "'; allowed: entityCreated, entityUpdated, entityDeleted,"
                        + " attributeCreated, attributeUpdated, attributeDeleted");
    }
}
