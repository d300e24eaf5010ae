/**
 * The change event log: every change to the twin is an event on one ordered log, and state, history, rules,
 * subscriptions and the live feed are its consumers. In the embedded default the log is in-process ({@link
 * io.citytwin.event.InProcessEventLog}); scaled out it is Kafka behind the same {@link io.citytwin.event.EventLog}
 * port.
 */
@NullMarked
package io.citytwin.event;

import org.jspecify.annotations.NullMarked;
