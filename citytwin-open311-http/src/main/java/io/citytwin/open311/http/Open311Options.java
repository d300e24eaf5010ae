package io.citytwin.open311.http;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the Open311 endpoint.
 *
 * @param apiKeys the keys that may POST requests; when empty, POST needs no key (a development node, the simulator)
 * @param jurisdictionId this endpoint's {@code jurisdiction_id} (e.g. {@code city.example.org}); a request naming
 *     another one gets a 404. Empty: any or none accepted (the spec: only required for multi-jurisdiction endpoints)
 * @param contact the discovery document's {@code contact}
 * @param keyService the discovery document's {@code key_service} (where to ask for a key)
 * @param changeset the discovery document's {@code changeset}: when this endpoint's description last changed
 * @param maxBodyBytes the largest accepted POST body (413 beyond), at most the API server's own limit
 */
public record Open311Options(
        Set<String> apiKeys,
        String jurisdictionId,
        String contact,
        String keyService,
        Instant changeset,
        long maxBodyBytes) {
    /** No keys, no jurisdiction, 64 KiB bodies. */
    public static final Open311Options DEFAULTS =
            new Open311Options(Set.of(), "", "", "", Instant.parse("2026-11-21T00:00:00Z"), 64 * 1024);

    public Open311Options {
        apiKeys = Set.copyOf(apiKeys);
        if (apiKeys.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("An Open311 api key must not be blank");
        }
        Objects.requireNonNull(jurisdictionId);
        Objects.requireNonNull(contact);
        Objects.requireNonNull(keyService);
        Objects.requireNonNull(changeset);
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024, not " + maxBodyBytes);
        }
    }

    /** These options with {@code keys} as the api keys. */
    public Open311Options withApiKeys(Set<String> keys) {
        return new Open311Options(keys, jurisdictionId, contact, keyService, changeset, maxBodyBytes);
    }

    /** These options with {@code id} as the jurisdiction. */
    public Open311Options withJurisdiction(String id) {
        return new Open311Options(apiKeys, id, contact, keyService, changeset, maxBodyBytes);
    }
}
