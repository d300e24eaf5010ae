package io.citytwin.alarm;

import io.citytwin.twin.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * The port where alarms are kept. Implementations are thread-safe; {@link #save} is durable when it returns (for a
 * durable adapter), so a listener told after it never announces an alarm a crash could lose.
 */
public interface AlarmStore extends AutoCloseable {

    /** Inserts or replaces (by tenant and id) the alarm. */
    void save(Alarm alarm);

    /** The alarm with {@code id} in {@code tenant}. */
    Optional<Alarm> find(TenantId tenant, String id);

    /** The open (active or acknowledged) alarm of {@code type} about {@code originator}, if there is one. */
    Optional<Alarm> findOpen(TenantId tenant, String originator, String type);

    /** The alarms of the tenant that pass {@code query}, newest last occurrence first, one page. */
    AlarmPage query(TenantId tenant, AlarmQuery query);

    /** Every open alarm of every tenant (start-up: the engine learns which conditions were active). */
    List<Alarm> open();

    @Override
    void close();
}
