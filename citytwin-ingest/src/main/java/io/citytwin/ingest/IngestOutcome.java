package io.citytwin.ingest;

import io.citytwin.twin.TwinException;
import java.util.List;
import java.util.Objects;

/**
 * What {@link IngestService} made of one device payload. A result value: malformed input is routine.
 *
 * <p>Only {@link Applied} (with at least one attribute) changed the twin, and it is returned once that change is
 * durable.
 */
public sealed interface IngestOutcome {

    /**
     * The payload was decoded and its mapped attributes applied (durably) to the device's entity.
     *
     * @param readings how many readings the payload carried
     * @param attributes how many attribute values were written (0: nothing to write, e.g. an empty array or every
     *     field refused)
     * @param problems one line per field that could not be mapped, in payload order
     */
    record Applied(int readings, int attributes, List<String> problems) implements IngestOutcome {
        public Applied {
            problems = List.copyOf(problems);
        }
    }

    /**
     * The payload could not be decoded; it is in the device's dead-letter record.
     *
     * @param reason why, with the byte position
     */
    record Malformed(String reason) implements IngestOutcome {
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The twin refused or failed the write (e.g. the store is closed).
     *
     * @param error the twin's error
     */
    record Failed(TwinException error) implements IngestOutcome {
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }
}
