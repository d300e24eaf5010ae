package io.citytwin.subscription;

import java.util.List;
import java.util.Objects;

/**
 * What a notification holds and where it goes (NotificationParams, clause 5.2.14).
 *
 * @param attributes expanded names of the attributes to include; empty means all
 * @param format how entities are rendered
 * @param sysAttrs whether {@code createdAt}/{@code modifiedAt} are included
 * @param endpoint where notifications are delivered
 */
public record NotificationParams(
        List<String> attributes, NotificationFormat format, boolean sysAttrs, Endpoint endpoint) {
    public NotificationParams {
        attributes = List.copyOf(attributes);
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /** Normalized, all attributes, to {@code endpoint}. */
    public static NotificationParams to(Endpoint endpoint) {
        return new NotificationParams(List.of(), NotificationFormat.NORMALIZED, false, endpoint);
    }
}
