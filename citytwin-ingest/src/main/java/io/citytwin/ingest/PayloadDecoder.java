package io.citytwin.ingest;

/**
 * Decodes one device payload into {@link Reading}s. Implementations are immutable and thread-safe, and never throw
 * for any byte content: bad input gives a {@link DecodeResult.Rejected}.
 */
public interface PayloadDecoder {

    /**
     * Decodes {@code payload[offset, offset + length)}.
     *
     * @return the readings, or the reason and byte position (relative to {@code offset}) of the first problem
     * @throws IndexOutOfBoundsException if the slice is not inside {@code payload} (a caller bug, not bad input)
     */
    DecodeResult decode(byte[] payload, int offset, int length);

    /** Decodes the whole of {@code payload}. */
    default DecodeResult decode(byte[] payload) {
        return decode(payload, 0, payload.length);
    }
}
