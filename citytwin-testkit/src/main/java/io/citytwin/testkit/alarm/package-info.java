/** Test support for alarms and rules: contract suites of the alarm store and rule store ports. */
package io.citytwin.testkit.alarm;
