/**
 * Incidents, the collaborative command of an IOC (docs/incidents.md): what the city senses (alarms) and what citizens
 * say (Open311 reports, public-opinion posts) turned into work that departments do together. An {@link
 * io.citytwin.incident.Incident} goes new, triaged, dispatched, in progress, resolved, closed (and reopened), with an
 * append-only timeline of every change, tasks per department with handoffs, SLA deadlines from an editable {@link
 * io.citytwin.incident.Catalogue}, warnings and escalation ({@link io.citytwin.incident.IncidentService#tick}),
 * duplicate merging, and KPIs. Ports: {@link io.citytwin.incident.IncidentStore}, {@link
 * io.citytwin.incident.ReportClassifier}, {@link io.citytwin.incident.DuplicateScorer}, {@link
 * io.citytwin.incident.TwinLocator}, {@link io.citytwin.incident.AlarmLookup}.
 */
@NullMarked
package io.citytwin.incident;

import org.jspecify.annotations.NullMarked;
