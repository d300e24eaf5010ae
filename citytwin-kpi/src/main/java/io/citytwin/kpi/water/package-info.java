/**
 * Water KPIs (REFERENCE.md section 2): the CCME Water Quality Index, drinking-water limits (WHO GDWQ, GB 5749-2022)
 * and the minimum night flow of district metered areas with its 7-night baseline. Pure calculators.
 */
@NullMarked
package io.citytwin.kpi.water;

import org.jspecify.annotations.NullMarked;
