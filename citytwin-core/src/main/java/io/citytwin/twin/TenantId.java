package io.citytwin.twin;

import java.util.regex.Pattern;

/**
 * A tenant: a completely isolated twin (NGSI-LD clause 4.14, {@code NGSILD-Tenant} header). The default tenant, used
 * when a request names none, is {@link #DEFAULT}.
 *
 * @param value 1 to 64 characters of letters, digits, {@code _ - .}
 */
public record TenantId(String value) implements Comparable<TenantId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    /** The tenant of requests without an {@code NGSILD-Tenant} header. */
    public static final TenantId DEFAULT = new TenantId("default");

    public TenantId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw TwinException.badData(
                    "tenant.invalid", "Invalid tenant name '" + value + "': use 1-64 letters, digits, '_', '-' or '.'");
        }
    }

    /** The tenant named by a header value; a missing or empty header means {@link #DEFAULT}. */
    public static TenantId of(String headerValue) {
        if (headerValue == null || headerValue.isBlank()) {
            return DEFAULT;
        }
        String v = headerValue.trim();
        return v.equals(DEFAULT.value) ? DEFAULT : new TenantId(v);
    }

    public boolean isDefault() {
        return this.equals(DEFAULT);
    }

    @Override
    public int compareTo(TenantId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
