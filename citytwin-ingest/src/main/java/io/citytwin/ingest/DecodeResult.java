package io.citytwin.ingest;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link PayloadDecoder} made of one payload: the readings it carried, or why it was refused. Malformed device
 * input is expected, so it is a result rather than an exception.
 */
public sealed interface DecodeResult {

    /**
     * The payload decoded into readings, in payload order (possibly none, e.g. for an empty JSON array).
     *
     * @param readings the readings
     */
    record Decoded(List<Reading> readings) implements DecodeResult {
        public Decoded {
            readings = List.copyOf(readings);
        }
    }

    /**
     * The payload was refused as a whole.
     *
     * @param reason a human-readable, precise reason, fit for a dead-letter record
     * @param position the byte position, relative to the start of the payload slice, at or near which the problem
     *     was found ({@code 0..length})
     */
    record Rejected(String reason, int position) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            if (position < 0) {
                throw new IllegalArgumentException("position must be >= 0: " + position);
            }
        }
    }
}
