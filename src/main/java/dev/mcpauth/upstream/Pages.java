package dev.mcpauth.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** Follows {@code nextCursor} through a paginated MCP list (basic/utilities/pagination) to the whole list. */
final class Pages {

    /** More pages than this means an upstream that loops on its cursor: stop rather than spin. */
    private static final int MAX_PAGES = 1000;

    private Pages() {
    }

    /** Every item of every page, each page within the upstream's call timeout. Blocks: call it on a virtual thread. */
    static <R, T> List<T> all(UpstreamSpec spec, String method, Function<String, Mono<R>> page, Function<R, List<T>> items,
            Function<R, String> nextCursor) {
        List<T> all = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < MAX_PAGES; i++) {
            R result = page.apply(cursor).block(spec.callTimeout());
            if (result == null) {
                break;
            }
            if (items.apply(result) != null) {
                all.addAll(items.apply(result));
            }
            cursor = nextCursor.apply(result);
            if (cursor == null || cursor.isEmpty()) {
                return List.copyOf(all);
            }
        }
        throw new IllegalStateException("upstream " + spec.name() + " answered " + method + " with more than " + MAX_PAGES + " pages");
    }
}
