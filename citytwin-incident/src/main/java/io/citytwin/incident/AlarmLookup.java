package io.citytwin.incident;

import io.citytwin.twin.TenantId;

/**
 * Port: whether an alarm is still open (active or acknowledged). The app implements it over the alarm service; the
 * SLA monitor uses it to reopen a resolved incident when the twin still shows the fault.
 */
@FunctionalInterface
public interface AlarmLookup {
    /** Knows no alarms: nothing is open. */
    AlarmLookup NONE = (tenant, id) -> false;

    /** Whether the alarm {@code id} of {@code tenant} is open; false when unknown. */
    boolean isOpen(TenantId tenant, String id);
}
