package io.citytwin.open311;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A service request as submitted (GeoReport v2 "POST Service Request"), already checked by {@link RequestForm}: the
 * service exists, a location is given, the required attributes are there. Absent text fields are {@code ""}.
 *
 * @param serviceCode the service
 * @param location {@code lat}/{@code long}, or null when the location is an address only
 * @param addressString the address as the citizen wrote it
 * @param addressId the jurisdiction's address id
 * @param email the reporter's e-mail
 * @param deviceId the reporting device
 * @param accountId the reporter's account
 * @param firstName the reporter's given name
 * @param lastName the reporter's family name
 * @param phone the reporter's phone
 * @param description the report, at most 4000 characters
 * @param mediaUrl a link to a photo or other media
 * @param attributes {@code attribute[code]} values by code (several for a multi-value list), in submission order
 */
public record NewRequest(
        String serviceCode,
        @Nullable GeoPoint location,
        String addressString,
        String addressId,
        String email,
        String deviceId,
        String accountId,
        String firstName,
        String lastName,
        String phone,
        String description,
        String mediaUrl,
        Map<String, List<String>> attributes) {
    public NewRequest {
        Objects.requireNonNull(serviceCode);
        Objects.requireNonNull(addressString);
        Objects.requireNonNull(addressId);
        Objects.requireNonNull(email);
        Objects.requireNonNull(deviceId);
        Objects.requireNonNull(accountId);
        Objects.requireNonNull(firstName);
        Objects.requireNonNull(lastName);
        Objects.requireNonNull(phone);
        Objects.requireNonNull(description);
        Objects.requireNonNull(mediaUrl);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        attributes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        attributes = java.util.Collections.unmodifiableMap(copy);
    }

    /** The first value of attribute {@code code}, or {@code ""}. */
    public String attribute(String code) {
        List<String> v = attributes.get(code);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }
}
