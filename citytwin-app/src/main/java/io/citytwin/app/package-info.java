/**
 * The runnable CityTwin: the {@code citytwin} command line, the configuration file and the wiring of the core with
 * its adapters into a {@link io.citytwin.app.Node}.
 */
@NullMarked
package io.citytwin.app;

import org.jspecify.annotations.NullMarked;
