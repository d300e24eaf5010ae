package io.citytwin.open311;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Generators of well-formed text: any Unicode scalar value (no lone surrogates), weighted towards the tricky ones. */
final class Strings {
    private Strings() {}

    static Arbitrary<String> text(int maxLength) {
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF);
        Arbitrary<Integer> tricky = Arbitraries.of(
                (int) '&',
                (int) '=',
                (int) '+',
                (int) '%',
                (int) '[',
                (int) ']',
                (int) ' ',
                (int) '\n',
                0xE9,
                0x4E2D,
                0x1F600,
                (int) ',',
                (int) '<',
                (int) '"');
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0x20, 0x7E)),
                        net.jqwik.api.Tuple.of(2, tricky),
                        net.jqwik.api.Tuple.of(1, any))
                .list()
                .ofMaxSize(maxLength)
                .map(cps -> {
                    StringBuilder b = new StringBuilder();
                    cps.forEach(b::appendCodePoint);
                    return b.toString();
                });
    }
}
