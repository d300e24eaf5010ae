/**
 * Derived domain KPIs of the city: {@link io.citytwin.kpi.KpiService} consumes the change event log, keeps the
 * per-entity state the calculators of the sub-packages need, writes per-entity derived attributes onto the sensor
 * entities and district KPIs onto the {@code District} entities, and serves the latest {@link
 * io.citytwin.kpi.KpiSnapshot}. See docs/kpi.md.
 */
@NullMarked
package io.citytwin.kpi;

import org.jspecify.annotations.NullMarked;
