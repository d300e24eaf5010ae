/**
 * Alarms: what the rules raise about the city's things. An {@link io.citytwin.alarm.Alarm} has a type, a severity and
 * an originator entity, is deduplicated by originator and type while open (a count with the first and last
 * occurrence), goes through the lifecycle active, acknowledged, cleared (with who and when), carries the district of
 * its originator for roll-ups, is kept in an {@link io.citytwin.alarm.AlarmStore} and mirrored into the twin as an
 * NGSI-LD {@code Alert} entity. {@link io.citytwin.alarm.AlarmService} is the one way to change alarms.
 */
@NullMarked
package io.citytwin.alarm;

import org.jspecify.annotations.NullMarked;
