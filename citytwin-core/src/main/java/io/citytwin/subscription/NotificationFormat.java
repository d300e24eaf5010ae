package io.citytwin.subscription;

import io.citytwin.twin.TwinException;

/** How entities are rendered in a notification ({@code notification.format}, clause 5.2.14). */
public enum NotificationFormat {
    NORMALIZED("normalized"),
    KEY_VALUES("keyValues"),
    CONCISE("concise");

    private final String jsonName;

    NotificationFormat(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /**
     * The format named {@code name} ({@code simplified} is the older name of {@code keyValues}).
     *
     * @throws TwinException BadRequestData {@code subscription.format} for an unknown name
     */
    public static NotificationFormat parse(String name) {
        return switch (name) {
            case "normalized" -> NORMALIZED;
            case "keyValues", "simplified" -> KEY_VALUES;
            case "concise" -> CONCISE;
            default ->
                throw TwinException.badData(
                        "subscription.format",
                        "Unknown notification format '" + name + "'; allowed: normalized, keyValues, concise");
        };
    }
}
