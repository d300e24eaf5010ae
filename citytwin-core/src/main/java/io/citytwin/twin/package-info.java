/** The live digital twin of the city: entities, attributes and their identifiers. */
@NullMarked
package io.citytwin.twin;

import org.jspecify.annotations.NullMarked;
