/**
 * The SQLite adapter of the incident store ({@code incidents.db}): incidents with filterable columns and a JSON body,
 * the append-only timeline (triggers refuse UPDATE and DELETE), tasks, reports, catalogues and id sequences.
 */
@NullMarked
package io.citytwin.incident.sqlite;

import org.jspecify.annotations.NullMarked;
