/** Test support for incidents: the contract suite of the incident store port and incident fixtures. */
package io.citytwin.testkit.incident;
