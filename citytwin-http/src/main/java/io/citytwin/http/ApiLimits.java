package io.citytwin.http;

/**
 * Limits of the API that protect the node from oversized work.
 *
 * @param maxBodyBytes largest accepted request body (413 beyond)
 * @param defaultLimit page size when a query gives no {@code limit}
 * @param maxLimit largest {@code limit} (TooManyResults beyond)
 * @param maxQueryLength longest {@code q} / {@code idPattern} in characters
 * @param maxBatch most entities in one batch operation
 */
public record ApiLimits(long maxBodyBytes, int defaultLimit, int maxLimit, int maxQueryLength, int maxBatch) {
    /** 1 MiB bodies, pages of 20 up to 1000, 4096-character queries, batches of 1000. */
    public static final ApiLimits DEFAULTS = new ApiLimits(1 << 20, 20, 1000, 4096, 1000);

    public ApiLimits {
        if (maxBodyBytes < 1024 || defaultLimit < 1 || maxLimit < defaultLimit || maxQueryLength < 64 || maxBatch < 1) {
            throw new IllegalArgumentException("Inconsistent API limits: " + this);
        }
    }
}
