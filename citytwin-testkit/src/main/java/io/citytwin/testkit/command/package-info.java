/** The fake of the command store port and the contract suite every adapter of it passes. */
@NullMarked
package io.citytwin.testkit.command;

import org.jspecify.annotations.NullMarked;
