package io.citytwin.command;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/*
 * Echo suppression. The change event log does not say who made a change, but a command must only follow changes made
 * by someone other than the device. The ingest pipeline notes every command attribute value a device reports (value
 * and observedAt) here before writing it; the command service treats a change whose new instance matches one of the
 * last RECENT notes of that attribute as the device's own. Keeping several notes (not just the last) covers a device
 * that reports faster than the event consumer reads. An operator who writes the very value and observedAt a device
 * just reported causes no command, which is right: the device is already there.
 *
 * The notes live in memory: after a restart, a device change replayed from the journal (at most the changes after
 * the consumer's last commit) may be taken for an operator's and send the device the value it reported itself,
 * which is harmless for set-value commands.
 */
/** What devices recently reported for their command attributes, to tell their own changes from others'. */
public final class ReportedValues {
    private static final int RECENT = 16;
    private static final int MAX_KEYS = 1_000_000;

    private record Key(TenantId tenant, EntityId entity, String attribute) {}

    private record Note(Object value, @Nullable Instant observedAt) {}

    private final Map<Key, ArrayDeque<Note>> notes = new ConcurrentHashMap<>();

    /** Notes that the device feeding {@code entity} reports {@code value} (observed at {@code observedAt}). */
    public void reported(
            TenantId tenant, EntityId entity, String attribute, Object value, @Nullable Instant observedAt) {
        if (notes.size() >= MAX_KEYS) {
            notes.clear(); // a bound, not a cache policy: only command attributes are noted, far fewer than this
        }
        ArrayDeque<Note> q = notes.computeIfAbsent(new Key(tenant, entity, attribute), k -> new ArrayDeque<>(RECENT));
        synchronized (q) {
            if (q.size() >= RECENT) {
                q.removeFirst();
            }
            q.addLast(new Note(value, observedAt));
        }
    }

    /** Whether a device recently reported exactly this value and observedAt for the attribute. */
    public boolean isReported(
            TenantId tenant, EntityId entity, String attribute, Object value, @Nullable Instant observedAt) {
        ArrayDeque<Note> q = notes.get(new Key(tenant, entity, attribute));
        if (q == null) {
            return false;
        }
        synchronized (q) {
            for (Note n : q) {
                if (n.value.equals(value) && Objects.equals(n.observedAt, observedAt)) {
                    return true;
                }
            }
        }
        return false;
    }
}
