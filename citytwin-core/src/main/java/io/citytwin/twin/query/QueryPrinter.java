package io.citytwin.twin.query;

/**
 * Canonical text of a {@link Query}: no whitespace, {@code ;} and {@code |} between terms, parentheses only around an
 * {@link Query.Or} inside an {@link Query.And} (since {@code ;} binds tighter than {@code |}).
 */
final class QueryPrinter {
    private QueryPrinter() {}

    static void print(Query q, StringBuilder sb) {
        switch (q) {
            case Query.And a -> {
                for (int i = 0; i < a.terms().size(); i++) {
                    if (i > 0) {
                        sb.append(';');
                    }
                    Query t = a.terms().get(i);
                    if (t instanceof Query.Or) {
                        sb.append('(');
                        print(t, sb);
                        sb.append(')');
                    } else {
                        print(t, sb);
                    }
                }
            }
            case Query.Or o -> {
                for (int i = 0; i < o.terms().size(); i++) {
                    if (i > 0) {
                        sb.append('|');
                    }
                    print(o.terms().get(i), sb);
                }
            }
            case Query.Exists e -> e.path().print(sb);
            case Query.NotExists n -> {
                sb.append('!');
                n.path().print(sb);
            }
            case Query.Comparison c -> {
                c.path().print(sb);
                sb.append(c.op().symbol());
                c.operand().print(sb);
            }
        }
    }
}
