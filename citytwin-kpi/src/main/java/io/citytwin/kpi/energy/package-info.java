/**
 * Lighting and energy KPIs (REFERENCE.md sections 4 and 5): lamp state and failure from the LED power model, and
 * energy integrated from power readings since local midnight. Pure calculators.
 */
@NullMarked
package io.citytwin.kpi.energy;

import org.jspecify.annotations.NullMarked;
